/* columns.c -- the firm table's columns (docs/model-population.md §1.1): English names and the Chinese headers
 * of a Hangzhou 亩均 evaluation list (清单), with unit factors; parsing of cell values. The
 * alias table is documented in docs/model-population.md §1.1 (keep the two in step). */
#include "table.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const tlhn_col_name[TCOL_N] = {
    "id", "district", "sector", "above_scale", "land_mu", "value_added", "tax", "energy_tce",
    "electricity_kwh", "employees", "rd_ratio", "emissions"
};
const char *const tlhn_col_zh[TCOL_N] = {
    "统一社会信用代码", "区县", "行业", "是否规上", "用地面积(亩)", "增加值(万元)", "税收(万元)",
    "综合能耗(吨标煤)", "用电量(千瓦时)", "从业人员", "研发投入占比", "排放量"
};

/* One accepted header: the column, its unit factor to model units, written normalised (no
 * blanks, ASCII parentheses, ASCII lower case: see normalise()). Earlier rows of a column have
 * priority (used for id only: a credit code identifies a firm better than its name). */
typedef struct {
    int col;
    const char *name;
    double mult;
} col_alias;

static const col_alias aliases[] = {
    { TCOL_ID, "id", 1 }, { TCOL_ID, "统一社会信用代码", 1 }, { TCOL_ID, "社会信用代码", 1 },
    { TCOL_ID, "信用代码", 1 }, { TCOL_ID, "企业id", 1 }, { TCOL_ID, "企业编号", 1 },
    { TCOL_ID, "企业名称", 1 }, { TCOL_ID, "单位名称", 1 },
    { TCOL_DISTRICT, "district", 1 }, { TCOL_DISTRICT, "区县", 1 },
    { TCOL_DISTRICT, "区县(市)", 1 }, { TCOL_DISTRICT, "区、县(市)", 1 },
    { TCOL_DISTRICT, "县(市、区)", 1 }, { TCOL_DISTRICT, "县市区", 1 },
    { TCOL_DISTRICT, "所属区县", 1 }, { TCOL_DISTRICT, "所在区县", 1 },
    { TCOL_DISTRICT, "属地", 1 }, { TCOL_DISTRICT, "地区", 1 },
    { TCOL_SECTOR, "sector", 1 }, { TCOL_SECTOR, "行业", 1 }, { TCOL_SECTOR, "所属行业", 1 },
    { TCOL_SECTOR, "行业类别", 1 }, { TCOL_SECTOR, "行业门类", 1 }, { TCOL_SECTOR, "行业大类", 1 },
    { TCOL_SECTOR, "行业代码", 1 },
    { TCOL_ABOVE_SCALE, "above_scale", 1 }, { TCOL_ABOVE_SCALE, "是否规上", 1 },
    { TCOL_ABOVE_SCALE, "是否规上企业", 1 }, { TCOL_ABOVE_SCALE, "规上企业", 1 },
    { TCOL_ABOVE_SCALE, "是否规模以上", 1 }, { TCOL_ABOVE_SCALE, "规模", 1 },
    { TCOL_ABOVE_SCALE, "企业规模", 1 },
    { TCOL_LAND, "land_mu", 1 }, { TCOL_LAND, "用地面积(亩)", 1 }, { TCOL_LAND, "用地面积", 1 },
    { TCOL_LAND, "占地面积(亩)", 1 }, { TCOL_LAND, "土地面积(亩)", 1 },
    { TCOL_LAND, "用地面积(平方米)", 0.0015 }, { TCOL_LAND, "用地面积(公顷)", 15 },
    { TCOL_VA, "value_added", 1 }, { TCOL_VA, "增加值(万元)", 1 }, { TCOL_VA, "增加值", 1 },
    { TCOL_VA, "工业增加值(万元)", 1 }, { TCOL_VA, "工业增加值", 1 },
    { TCOL_VA, "增加值(亿元)", 1e4 },
    { TCOL_TAX, "tax", 1 }, { TCOL_TAX, "税收(万元)", 1 }, { TCOL_TAX, "税收", 1 },
    { TCOL_TAX, "实缴税金(万元)", 1 }, { TCOL_TAX, "税收实际贡献(万元)", 1 },
    { TCOL_TAX, "实际贡献税收(万元)", 1 }, { TCOL_TAX, "税收(亿元)", 1e4 },
    { TCOL_ENERGY, "energy_tce", 1 }, { TCOL_ENERGY, "综合能耗(吨标煤)", 1 },
    { TCOL_ENERGY, "综合能耗(吨标准煤)", 1 }, { TCOL_ENERGY, "综合能耗", 1 },
    { TCOL_ENERGY, "能耗(吨标煤)", 1 }, { TCOL_ENERGY, "综合能源消费量(吨标准煤)", 1 },
    { TCOL_ENERGY, "综合能耗(万吨标煤)", 1e4 },
    { TCOL_ELECTRICITY, "electricity_kwh", 1 }, { TCOL_ELECTRICITY, "用电量(千瓦时)", 1 },
    { TCOL_ELECTRICITY, "用电量(kwh)", 1 }, { TCOL_ELECTRICITY, "用电量(度)", 1 },
    { TCOL_ELECTRICITY, "用电量", 1 }, { TCOL_ELECTRICITY, "用电量(万千瓦时)", 1e4 },
    { TCOL_ELECTRICITY, "用电量(万kwh)", 1e4 },
    { TCOL_EMPLOYEES, "employees", 1 }, { TCOL_EMPLOYEES, "从业人员", 1 },
    { TCOL_EMPLOYEES, "从业人员(人)", 1 }, { TCOL_EMPLOYEES, "从业人数", 1 },
    { TCOL_EMPLOYEES, "年平均从业人员", 1 }, { TCOL_EMPLOYEES, "职工人数", 1 },
    { TCOL_RD, "rd_ratio", 1 }, { TCOL_RD, "研发投入占比", 1 }, { TCOL_RD, "研发经费占比", 1 },
    { TCOL_RD, "研发投入强度", 1 }, { TCOL_RD, "r&d占比", 1 },
    { TCOL_RD, "研发经费占营业收入比重", 1 }, { TCOL_RD, "研发投入占比(%)", 0.01 },
    { TCOL_EMISSIONS, "emissions", 1 }, { TCOL_EMISSIONS, "排放量", 1 },
    { TCOL_EMISSIONS, "排放量(吨)", 1 }, { TCOL_EMISSIONS, "主要污染物排放量(吨)", 1 },
    { TCOL_EMISSIONS, "污染物排放量(吨)", 1 }, { TCOL_EMISSIONS, "排污量(吨)", 1 },
    { TCOL_EMISSIONS, "主要污染物排放量", 1 },
};

/* Plausibility bounds (model units), documented in docs/model-population.md §1.1: each is far
 * above any one firm (Hangzhou's industry as a whole has ≈ 300,000 mu, 4,350 亿元 VA and
 * 1,880 万 tce) and small enough that sums over a million firms stay finite. */
static const double col_max[TCOL_N] = {
    0, 0, 0, 0, 1e6, 1e9, 1e9, 1e9, 1e13, 1e7, 1, 1e9
};

double tlhn_col_max(int c)
{
    return col_max[c];
}

/* `s` without blanks (ASCII and U+3000), with full-width （）、 as ASCII () and ASCII in
 * lower case, into buf (size n). */
static void normalise(const char *s, char *buf, size_t n)
{
    size_t k = 0;
    while (*s && k + 4 < n) {
        if (strncmp(s, "\xE3\x80\x80", 3) == 0) {              /* U+3000 ideographic space */
            s += 3;
        } else if (strncmp(s, "（", 3) == 0 || strncmp(s, "）", 3) == 0) {
            buf[k++] = s[2] == '\x88' ? '(' : ')';
            s += 3;
        } else if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
            s++;
        } else {
            char c = *s++;
            buf[k++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
    }
    buf[k] = '\0';
}

int tlhn_col_find(const char *header, double *mult, int *rank)
{
    char h[256];
    normalise(header, h, sizeof h);
    int r = 0, last = -1;
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++) {
        r = aliases[k].col == last ? r + 1 : 0;
        last = aliases[k].col;
        if (strcmp(h, aliases[k].name) == 0) {
            *mult = aliases[k].mult;
            *rank = r;
            return aliases[k].col;
        }
    }
    return -1;
}

/* Is s[0..n) all ASCII digits (n >= 1)? */
static int digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (s[k] < '0' || s[k] > '9')
            return 0;
    return 1;
}

/* A decimal number: [+-] digits [. digits] [e [+-] digits], at least one digit before the
 * exponent. No hex, inf or nan (strtod would take them). */
static int decimal(const char *s)
{
    const char *p = s + (*s == '+' || *s == '-');
    size_t a = strspn(p, "0123456789");
    p += a;
    size_t b = 0;
    if (*p == '.') {
        b = strspn(p + 1, "0123456789");
        p += 1 + b;
    }
    if (a + b == 0)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        p += *p == '+' || *p == '-';
        size_t x = strspn(p, "0123456789");
        if (x == 0)
            return 0;
        p += x;
    }
    return *p == '\0';
}

/* "12,345,678.9" -> "12345678.9" in buf when the commas separate groups of three; else 0. */
static int strip_thousands(const char *s, char *buf, size_t n)
{
    const char *p = s + (*s == '+' || *s == '-');
    const char *end = p + strcspn(p, ".eE");
    const char *comma = memchr(p, ',', (size_t)(end - p));
    if (comma == NULL || comma == p || comma - p > 3 || !digits(p, (size_t)(comma - p)))
        return 0;
    for (const char *q = comma; q < end; q += 4)
        if (end - q < 4 || q[0] != ',' || !digits(q + 1, 3))
            return 0;
    size_t k = 0;
    for (const char *q = s; *q && k + 1 < n; q++)
        if (*q != ',')
            buf[k++] = *q;
    buf[k] = '\0';
    return strchr(end, ',') == NULL;
}

int tlhn_cell_number(const char *cell, int percent, double *v, char *why, size_t n)
{
    char buf[128], plain[128];
    snprintf(buf, sizeof buf, "%s", cell);
    char *s = phx_trim(buf);
    if (*s == '\0')
        return snprintf(why, n, "is empty (a number is needed)"), -1;
    size_t len = strlen(s);
    double scale = 1;
    if (percent && len > 1 && s[len - 1] == '%') {
        s[--len] = '\0';
        scale = 0.01;
    }
    if (strchr(s, ',') != NULL) {
        if (!strip_thousands(s, plain, sizeof plain))
            return snprintf(why, n, "is not a number (a comma that is no thousands separator: "
                                    "write decimals with a point)"), -1;
        s = plain;
    }
    if (strlen(cell) >= sizeof buf - 1 || !decimal(s))
        return snprintf(why, n, "is not a number"), -1;
    errno = 0;
    double x = strtod(s, NULL);
    if (errno == ERANGE && fabs(x) > 1)
        return snprintf(why, n, "is too large for a number (overflow)"), -1;
    *v = x * scale;                      /* underflow (1e-320, 1e-400) keeps strtod's value */
    return 0;
}

int tlhn_cell_above_scale(const char *cell)
{
    static const char *const yes[] = { "1", "是", "规上", "规模以上", "y", "yes", "true" };
    static const char *const no[] = { "0", "否", "规下", "规模以下", "n", "no", "false" };
    char h[64];
    normalise(cell, h, sizeof h);
    for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++) {
        if (strcmp(h, yes[k]) == 0)
            return 1;
        if (strcmp(h, no[k]) == 0)
            return 0;
    }
    return -1;
}

int tlhn_cell_is_total(const char *cell)
{
    static const char *const totals[] = { "合计", "总计", "小计", "total", "sum" };
    char h[64];
    normalise(cell, h, sizeof h);
    for (size_t k = 0; k < sizeof totals / sizeof totals[0]; k++)
        if (strcmp(h, totals[k]) == 0)
            return 1;
    return 0;
}
