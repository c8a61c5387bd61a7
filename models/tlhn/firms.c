/* firms.c -- the firm table (docs/model-population.md §1): districts, sectors, ids, knobs, loading. */
#include "firms.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../engine/scenario.h"

/* §1.2 [fact]: the 13 units after the 2021 adjustment (杭州统计年鉴2022). */
const char *const tlhn_district_zh[TLHN_N_DISTRICTS] = {
    "上城", "拱墅", "西湖", "滨江", "萧山", "余杭", "临平", "钱塘", "富阳", "临安",
    "桐庐", "淳安", "建德"
};
const char *const tlhn_district_pinyin[TLHN_N_DISTRICTS] = {
    "shangcheng", "gongshu", "xihu", "binjiang", "xiaoshan", "yuhang", "linping", "qiantang",
    "fuyang", "linan", "tonglu", "chunan", "jiande"
};
/* §2 [assumption: our estimate; no count by district is published]: 萧山 25%, 富阳 14%, 临平 12%, 钱塘 12%, 余杭 10%,
 * 临安 9%, 桐庐 6%, 建德 5%, 滨江 4%; 上城, 拱墅, 西湖 and 淳安 3% together (0.75% each). */
const double tlhn_district_share[TLHN_N_DISTRICTS] = {
    0.0075, 0.0075, 0.0075, 0.04, 0.25, 0.10, 0.12, 0.12, 0.14, 0.09, 0.06, 0.0075, 0.05
};

/* §1.3 [assumption]: the project's eight manufacturing groups. The multiplier is the group's
 * energy intensity relative to a typical firm (docs/model-population.md gives the reasons). */
const char *const tlhn_sector_code[TLHN_N_SECTORS] = {
    "textiles", "chemicals", "minerals", "metals", "equipment", "electronics", "pharma", "other"
};
const char *const tlhn_sector_zh[TLHN_N_SECTORS] = {
    "纺织化纤", "化工", "非金属矿物", "金属", "通用专用设备", "电气电子", "医药", "其他"
};
const double tlhn_sector_energy_mult[TLHN_N_SECTORS] = {
    1.5, 2.5, 3.5, 2.0, 0.5, 0.35, 0.6, 1.0
};
const double tlhn_sector_share[TLHN_N_SECTORS] = {
    0.16, 0.07, 0.05, 0.10, 0.24, 0.18, 0.04, 0.16
};

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca += 'a' - 'A';
        if (cb >= 'A' && cb <= 'Z')
            cb += 'a' - 'A';
        if (ca != cb || ca == 0)
            return ca - cb;
    }
}

/* Districts abolished in 2021 whose whole area went to one of today's: 下城 into 拱墅 (杭州统计
 * 年鉴2022: 撤销原上城区、下城区、江干区、拱墅区、余杭区, 设立新的上城区、拱墅区、余杭区、临平区、
 * 钱塘区) [fact]. 江干 is not here: its area went partly to 上城, partly (下沙, 白杨) to 钱塘. 余杭
 * keeps its name, although 临平 left it. */
static const struct { const char *old; int now; } district_before_2021[] = {
    { "下城", 1 }, { "xiacheng", 1 },
};

static int district_plain(const char *name);

int tlhn_district_find(const char *name)
{
    while (*name == ' ')
        name++;
    /* a prefix naming the city: 杭州市萧山区, 杭州萧山 */
    if (strncmp(name, "杭州市", strlen("杭州市")) == 0 && name[strlen("杭州市")] != '\0')
        name += strlen("杭州市");
    else if (strncmp(name, "杭州", strlen("杭州")) == 0 && name[strlen("杭州")] != '\0')
        name += strlen("杭州");
    int d = district_plain(name);
    if (d >= 0)
        return d;
    for (size_t k = 0; k < sizeof district_before_2021 / sizeof district_before_2021[0]; k++) {
        size_t n = strlen(district_before_2021[k].old);
        if ((strncmp(name, district_before_2021[k].old, n) == 0 &&
             (name[n] == '\0' || strcmp(name + n, "区") == 0)) ||
            ascii_casecmp(name, district_before_2021[k].old) == 0)
            return district_before_2021[k].now;
    }
    return -1;
}

static int district_plain(const char *name)
{
    for (int d = 0; d < TLHN_N_DISTRICTS; d++) {
        size_t n = strlen(tlhn_district_zh[d]);
        if (strncmp(name, tlhn_district_zh[d], n) == 0
            && (name[n] == '\0' || strcmp(name + n, "区") == 0 || strcmp(name + n, "县") == 0
                || strcmp(name + n, "市") == 0))
            return d;
        if (ascii_casecmp(name, tlhn_district_pinyin[d]) == 0)
            return d;
    }
    return -1;
}

/* GB/T 4754-2017 manufacturing divisions (门类 C, 大类 13-43) and the §1.3 group each joins
 * [ours: by the kind of production, docs/model-population.md §1.3]. */
enum { S_TEX, S_CHEM, S_MIN, S_MET, S_EQUIP, S_ELEC, S_PHARMA, S_OTHER };
static const struct { int code; const char *name; int group; } gbt4754[] = {
    { 13, "农副食品加工业", S_OTHER }, { 14, "食品制造业", S_OTHER },
    { 15, "酒、饮料和精制茶制造业", S_OTHER }, { 16, "烟草制品业", S_OTHER },
    { 17, "纺织业", S_TEX }, { 18, "纺织服装、服饰业", S_TEX },
    { 19, "皮革、毛皮、羽毛及其制品和制鞋业", S_TEX },
    { 20, "木材加工和木、竹、藤、棕、草制品业", S_OTHER }, { 21, "家具制造业", S_OTHER },
    { 22, "造纸和纸制品业", S_OTHER }, { 23, "印刷和记录媒介复制业", S_OTHER },
    { 24, "文教、工美、体育和娱乐用品制造业", S_OTHER },
    { 25, "石油、煤炭及其他燃料加工业", S_CHEM }, { 26, "化学原料和化学制品制造业", S_CHEM },
    { 27, "医药制造业", S_PHARMA }, { 28, "化学纤维制造业", S_TEX },
    { 29, "橡胶和塑料制品业", S_CHEM }, { 30, "非金属矿物制品业", S_MIN },
    { 31, "黑色金属冶炼和压延加工业", S_MET }, { 32, "有色金属冶炼和压延加工业", S_MET },
    { 33, "金属制品业", S_MET }, { 34, "通用设备制造业", S_EQUIP },
    { 35, "专用设备制造业", S_EQUIP }, { 36, "汽车制造业", S_EQUIP },
    { 37, "铁路、船舶、航空航天和其他运输设备制造业", S_EQUIP },
    { 38, "电气机械和器材制造业", S_ELEC }, { 39, "计算机、通信和其他电子设备制造业", S_ELEC },
    { 40, "仪器仪表制造业", S_ELEC }, { 41, "其他制造业", S_OTHER },
    { 42, "废弃资源综合利用业", S_OTHER }, { 43, "金属制品、机械和设备修理业", S_EQUIP },
};

/* A division code: "26", "C26", "c26", or a 3-4 digit class code of it ("2614", "C2614"). */
static int division_code(const char *s)
{
    if (*s == 'C' || *s == 'c')
        s++;
    size_t n = strspn(s, "0123456789");
    if (n < 2 || n > 4 || s[n] != '\0')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

int tlhn_sector_find(const char *code)
{
    for (int s = 0; s < TLHN_N_SECTORS; s++)
        if (ascii_casecmp(code, tlhn_sector_code[s]) == 0 || strcmp(code, tlhn_sector_zh[s]) == 0)
            return s;
    int div = division_code(code);
    for (size_t k = 0; k < sizeof gbt4754 / sizeof gbt4754[0]; k++)
        if (gbt4754[k].code == div || strcmp(code, gbt4754[k].name) == 0)
            return gbt4754[k].group;
    return -1;
}

tlhn_firms *tlhn_firms_alloc(size_t n)
{
    tlhn_firms *f = phx_calloc(1, sizeof *f);
    f->n = n;
    f->id = phx_calloc(n, sizeof *f->id);
    f->id_rank = phx_calloc(n, sizeof *f->id_rank);
    f->district = phx_calloc(n, 1);
    f->sector = phx_calloc(n, 1);
    f->above_scale = phx_calloc(n, 1);
    double **cols[] = { &f->land_mu, &f->value_added, &f->tax, &f->energy_tce,
                        &f->electricity_kwh, &f->employees, &f->rd_ratio, &f->emissions };
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        *cols[c] = phx_calloc(n, sizeof(double));
    return f;
}

void tlhn_firms_free(tlhn_firms *f)
{
    if (f == NULL)
        return;
    if (f->id != NULL)
        for (size_t i = 0; i < f->n; i++)
            free(f->id[i]);
    free(f->id);
    free(f->id_rank);
    free(f->district);
    free(f->sector);
    free(f->above_scale);
    free(f->land_mu);
    free(f->value_added);
    free(f->tax);
    free(f->energy_tce);
    free(f->electricity_kwh);
    free(f->employees);
    free(f->rd_ratio);
    free(f->emissions);
    free(f->src.path);
    free(f->src.resolved);
    free(f);
}

/* Is `s` a decimal integer that fits a long long? Then *v is its value. */
static int id_integer(const char *s, long long *v)
{
    const char *p = s + (*s == '-');
    if (*p < '0' || *p > '9')
        return 0;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return 0;
    errno = 0;
    char *end;
    *v = strtoll(s, &end, 10);
    return errno == 0 && *end == '\0';
}

/* §3.3 says ids compare as integers when both are integers, otherwise as byte strings. Taken
 * pairwise that is no order at all on a mixed set ("9" < "10" as integers, "10" < "5x" and
 * "5x" < "9" as bytes: a cycle), and qsort needs a strict weak order. So: integers first, in
 * numeric order, then every other id in byte order. On a set of only integers or only
 * non-integers this is exactly §3.3. */
int tlhn_firms_id_cmp(const char *a, const char *b)
{
    long long va, vb;
    int ia = id_integer(a, &va), ib = id_integer(b, &vb);
    if (ia && ib)
        return (va > vb) - (va < vb);
    if (ia != ib)
        return ia ? -1 : 1;
    return strcmp(a, b);
}

/* qsort has no context argument in C11: the ids travel in the element itself. */
typedef struct {
    const char *id;
    size_t row;
} id_row;

static int cmp_id_row(const void *pa, const void *pb)
{
    const id_row *a = pa, *b = pb;
    int c = tlhn_firms_id_cmp(a->id, b->id);
    if (c != 0)
        return c;
    return (a->row > b->row) - (a->row < b->row);   /* equal ids: a duplicate, reported */
}

int tlhn_firms_rank_ids(tlhn_firms *f, size_t *dup_a, size_t *dup_b)
{
    id_row *v = phx_malloc(f->n * sizeof *v);
    for (size_t i = 0; i < f->n; i++)
        v[i] = (id_row){ f->id[i], i };
    qsort(v, f->n, sizeof *v, cmp_id_row);
    int rc = 0;
    for (size_t k = 0; k < f->n; k++) {
        f->id_rank[v[k].row] = (uint32_t)k;
        /* report the duplicate whose second row comes first in the file */
        if (k > 0 && tlhn_firms_id_cmp(v[k - 1].id, v[k].id) == 0
            && (rc == 0 || v[k].row < (dup_b ? *dup_b : 0))) {
            rc = -1;
            if (dup_a)
                *dup_a = v[k - 1].row;
            if (dup_b)
                *dup_b = v[k].row;
        }
    }
    free(v);
    return rc;
}

void tlhn_popcfg_default(tlhn_popcfg *cfg)
{
    *cfg = (tlhn_popcfg){
#define KNOB_DEFAULT(field, key, kind, unit, lo, hi, def, desc) .field = def,
        TLHN_POP_KNOBS(KNOB_DEFAULT)
#undef KNOB_DEFAULT
    };
}

/* The population.* rows: their bounds are the one source for tlhn_popcfg_check(). */
static const param_def pop_rows[] = { TLHN_POPULATION_PARAM_ROWS };

/* The first inadmissible knob: its key, with the reason in `why`; NULL when all are fine. */
static const char *popcfg_problem(const tlhn_popcfg *cfg, char *why, size_t n)
{
    const struct { const char *key; double v; } knobs[] = {
#define KNOB_VALUE(field, key, kind, unit, lo, hi, def, desc) { key, (double)cfg->field },
        TLHN_POP_KNOBS(KNOB_VALUE)
#undef KNOB_VALUE
    };
    size_t n_rows = sizeof pop_rows / sizeof pop_rows[0];
    for (size_t k = 0; k < sizeof knobs / sizeof knobs[0]; k++) {
        int p = param_find(pop_rows, n_rows, knobs[k].key);
        assert(p >= 0);
        double lo = pop_rows[p].lo, hi = pop_rows[p].hi;
        if (!(knobs[k].v >= lo && knobs[k].v <= hi)) {
            snprintf(why, n, "%g is outside [%g, %g]", knobs[k].v, lo, hi);
            return knobs[k].key;
        }
    }
    double a = cfg->rho_land_va, b = cfg->rho_energy_va, c = cfg->rho_land_energy;
    if (1 + 2 * a * b * c - a * a - b * b - c * c <= 1e-9) {   /* determinant of the matrix */
        snprintf(why, n, "with rho_land_va = %g and rho_energy_va = %g, %g makes no valid "
                 "correlation matrix", a, b, c);
        return "population.rho_land_energy";
    }
    return NULL;
}

int tlhn_popcfg_check(const tlhn_popcfg *cfg, phx_err *e)
{
    char why[256];
    const char *key = popcfg_problem(cfg, why, sizeof why);
    return key ? phx_fail(e, PHX_EINPUT, NULL, 0, key, "%s", why) : PHX_OK;
}

/* A constant population.* value; keys missing from the model's table keep the default. */
static double knob(const struct scenario *sc, const char *key, double def)
{
    if (scenario_param(sc, key) < 0)
        return def;
    const dist *d = scenario_dist(sc, key, 0);
    assert(d != NULL && d->kind == DIST_CONST);   /* the rows allow no distribution */
    return d->a;
}

void tlhn_popcfg_from_scenario(const struct scenario *sc, tlhn_popcfg *cfg)
{
    tlhn_popcfg_default(cfg);
#define KNOB_READ(field, key, kind, unit, lo, hi, def, desc) \
    cfg->field = (__typeof__(cfg->field))knob(sc, key, (double)cfg->field);
    TLHN_POP_KNOBS(KNOB_READ)
#undef KNOB_READ
}

tlhn_firms *tlhn_firms_load(const struct scenario *sc, phx_err *e)
{
    if (strcmp(sc->firms, "synthetic") != 0) {
        tlhn_csv_opts o = { "auto", "auto" };
        if (scenario_param(sc, "population.csv_delimiter") >= 0)
            o.delimiter = scenario_text(sc, "population.csv_delimiter");
        if (scenario_param(sc, "population.encoding") >= 0)
            o.encoding = scenario_text(sc, "population.encoding");
        return tlhn_firms_read_csv_opts(sc->firms, &o, e);
    }
    tlhn_popcfg cfg;
    tlhn_popcfg_from_scenario(sc, &cfg);
    char why[256];
    const char *key = popcfg_problem(&cfg, why, sizeof why);
    if (key != NULL) {
        const char *file = sc->path;
        int line = 0;
        if (scenario_param(sc, key) >= 0)
            scenario_origin(sc, key, &file, &line);
        phx_fail(e, PHX_EINPUT, file, line, key, "%s", why);
        return NULL;
    }
    return tlhn_firms_synthesize(&cfg);
}
