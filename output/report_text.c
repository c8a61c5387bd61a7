/* report_text.c -- the report's words in Chinese and English, metric labels from the metric
 * tables' long names (stored in the results file), and a growing string for the page. */
#include "rpt.h"
#include "table.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const words[T_COUNT][2] = {
    [T_TITLE] = { "情景模拟报告", "scenario simulation report" },
    [T_PROVENANCE] = { "来源", "provenance" },
    [T_VERSION] = { "版本", "phoenix version" },
    [T_GIT] = { "代码修订", "git revision" },
    [T_SEED] = { "随机种子", "seed" },
    [T_COMMAND] = { "命令", "command" },
    [T_DATE] = { "日期", "date (UTC)" },
    [T_SHA] = { "情景哈希", "scenario hash (SHA-256)" },
    [T_FILE] = { "结果文件", "results file" },
    [T_SCENARIO] = { "情景", "scenario" },
    [T_QUESTION] = { "政策问题", "policy question" },
    [T_NO_QUESTION] = { "结果文件中保存的情景文本没有开头注释", "the scenario text stored in the file has no opening comment" },
    [T_DESCRIPTION] = { "说明", "description" },
    [T_MODEL] = { "模型", "model" },
    [T_REPS] = { "重复次数", "replications" },
    [T_YEARS] = { "年份", "years" },
    [T_TARGETS] = { "目标", "targets" },
    [T_NO_TARGETS] = { "该情景未设目标", "the scenario sets no targets" },
    [T_METRIC] = { "指标", "metric" },
    [T_UNIT] = { "单位", "unit" },
    [T_TARGET] = { "目标值", "target" },
    [T_MEDIAN] = { "中位数", "median" },
    [T_INTERVAL90] = { "90%区间", "90% interval" },
    [T_PTARGET] = { "达标概率", "P(target met)" },
    [T_CI95] = { "95%置信区间", "95% CI" },
    [T_MEAN] = { "均值", "mean" },
    [T_OTHER_METRICS] = { "其他指标", "other metrics" },
    [T_YEAR] = { "年份", "year" },
    [T_FAN] = { "逐年分布", "over the years" },
    [T_DISTRICTS] = { "分区县", "districts" },
    [T_NO_DISTRICTS] = { "该模型没有分区县指标", "the model has no metrics by district" },
    [T_DISTRICT] = { "区县", "district" },
    [T_COMPARISONS] = { "情景比较", "comparisons" },
    [T_NO_COMPARISONS] = { "文件只有单个情景的运行:同时运行多个情景(phoenix run A.ini B.ini)或 phoenix sweep 才有比较",
                           "the file holds no comparison: run several scenarios together (phoenix run A.ini B.ini) or phoenix sweep" },
    [T_DIFF] = { "配对差值", "paired difference" },
    [T_PBETTER] = { "更优概率", "P(better)" },
    [T_SWEEP] = { "参数扫描", "sweep" },
    [T_NO_SWEEP] = { "文件不是参数扫描的结果(phoenix sweep --vary)", "the file holds no sweep (made by phoenix sweep --vary)" },
    [T_LEVER] = { "政策杠杆", "lever" },
    [T_FUND] = { "资金测算", "fund sizing" },
    [T_NO_FUND] = { "文件没有资金测算(phoenix fund)", "the file holds no fund sizing (made by phoenix fund)" },
    [T_BALANCE] = { "资金余额", "fund balance" },
    [T_AT_SCENARIO] = { "按情景取值", "at the scenario's value" },
    [T_AT_ANSWER] = { "按测算答案", "at the answer" },
    [T_FIRST_SHORTFALL] = { "首次透支年份概率", "P(first shortfall) by year" },
    [T_BREAKEVEN] = { "盈亏平衡值分布", "break-even distribution" },
    [T_REPLICATIONS_N] = { "重复次数", "replications" },
    [T_ANSWER] = { "答案", "answer" },
    [T_SEARCH] = { "搜索过程", "the search" },
    [T_NO_FUND_FAN] = { "目标模式:只有答案处的余额分布", "targets mode: only the balance at the answer is stored" },
    [T_SENSITIVITY] = { "敏感性分析", "sensitivity" },
    [T_NO_SENSITIVITY] = { "文件没有敏感性分析(phoenix sensitivity)", "the file holds no sensitivity analysis (made by phoenix sensitivity)" },
    [T_SOBOL] = { "Sobol指数", "Sobol indices" },
    [T_MORRIS] = { "Morris筛选", "Morris screening" },
    [T_TORNADO] = { "龙卷风图", "tornado" },
    [T_FACTOR] = { "因素", "factor" },
    [T_INDEX] = { "指数", "index" },
    [T_CHANCE] = { "随机性", "chance" },
    [T_SWING] = { "摆幅", "swing" },
    [T_CONTENTS] = { "目录", "contents" },
    [T_SHARE] = { "比例", "share" },
    [T_ZERO] = { "零", "zero" },
    [T_NEVER] = { "从不", "never" },
    [T_LOW] = { "10%分位", "at 10%" },
    [T_HIGH] = { "90%分位", "at 90%" },
};

/* "zh / en" labels for both languages live in a small ring of buffers. */
static _Thread_local char ring[8][512];
static _Thread_local int ring_i;

void rpt_join(rpt_lang lang, const char *zh, const char *en, char *buf, size_t n)
{
    int hz = zh != NULL && zh[0] != '\0', he = en != NULL && en[0] != '\0';
    if ((lang == RPT_LANG_ZH && hz) || (hz && !he) || (hz && he && strcmp(zh, en) == 0))
        snprintf(buf, n, "%s", zh);
    else if (lang == RPT_LANG_EN || !hz)
        snprintf(buf, n, "%s", he ? en : "");
    else
        snprintf(buf, n, "%s / %s", zh, en);
}

const char *rpt_t(rpt_lang lang, rpt_text t)
{
    char *b = ring[ring_i++ % 8];
    if (t < 0 || t >= T_COUNT || words[t][0] == NULL)
        return "";
    rpt_join(lang, words[t][0], words[t][1], b, sizeof ring[0]);
    return b;
}

void rpt_metric_label(const rpt_metric *m, rpt_lang lang, char *buf, size_t n)
{
    const char *zh = m->long_zh != NULL && m->long_zh[0] ? m->long_zh : NULL;
    const char *en = m->long_en != NULL && m->long_en[0] ? m->long_en : m->name;
    rpt_join(lang, zh, en, buf, n);
}

/* ---- rpt_buf --------------------------------------------------------------------------------- */

void rpt_buf_add(rpt_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = 2 * (b->len + n + 1) + 256;
        b->s = phx_realloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void rpt_buf_printf(rpt_buf *b, const char *fmt, ...)
{
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        char *t = phx_malloc((size_t)n + 1);
        vsnprintf(t, (size_t)n + 1, fmt, aq);
        rpt_buf_add(b, t, (size_t)n);
        free(t);
    }
    va_end(aq);
}

void rpt_buf_esc(rpt_buf *b, const char *s)
{
    for (; s != NULL && *s; s++) {
        switch (*s) {
        case '&': rpt_buf_add(b, "&amp;", 5); break;
        case '<': rpt_buf_add(b, "&lt;", 4); break;
        case '>': rpt_buf_add(b, "&gt;", 4); break;
        case '"': rpt_buf_add(b, "&quot;", 6); break;
        default: rpt_buf_add(b, s, 1);
        }
    }
}

void rpt_buf_free(rpt_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

/* ---- numbers as text ----------------------------------------------------------------------- */

/* The report's numbers read as the text outputs' do (output/table.c). */
void rpt_num(char *buf, size_t n, double x)
{
    table_num(buf, n, x);
}
