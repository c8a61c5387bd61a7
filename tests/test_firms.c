/* test_firms.c -- the firm table (docs/model-population.md §1): synthetic population, CSV reader and writer,
 * id order, population.* keys. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "../engine/model.h"
#include "../engine/scenario.h"
#include "../models/tlhn/firms.h"

/* §2 table (model units), the targets the generator must hit within 0.1%. */
static const double target[2][6] = {
    /* firms, land, VA, tax, energy, employees */
    { 6300, 190000, 3.65e7, 6.65e6, 1.46e7, 1120000 },   /* 规上 */
    { 9700, 110000, 7.0e6, 1.2e6, 4.2e6, 400000 },       /* 规下 */
};

static tlhn_firms *synth_default(void)
{
    tlhn_popcfg cfg;
    tlhn_popcfg_default(&cfg);
    tlhn_firms *f = tlhn_firms_synthesize(&cfg);
    CU_ASSERT_FATAL(f != NULL);
    return f;
}

/* Sums per group (index 0 = 规上): firms, land, VA, tax, energy, employees. */
static void group_sums(const tlhn_firms *f, double sum[2][6])
{
    memset(sum, 0, 2 * 6 * sizeof(double));
    for (size_t i = 0; i < f->n; i++) {
        double *s = sum[f->above_scale[i] ? 0 : 1];
        s[0] += 1;
        s[1] += f->land_mu[i];
        s[2] += f->value_added[i];
        s[3] += f->tax[i];
        s[4] += f->energy_tce[i];
        s[5] += f->employees[i];
    }
}

static void check_aggregates(const tlhn_firms *f, double scale)
{
    double sum[2][6];
    group_sums(f, sum);
    for (int g = 0; g < 2; g++) {
        CU_ASSERT_EQUAL(sum[g][0], round(target[g][0] * scale));
        for (int k = 1; k < 6; k++) {
            double rel = fabs(sum[g][k] / (target[g][k] * scale) - 1);
            if (rel > 1e-3)
                printf("\n  group %d column %d: %g vs %g\n", g, k, sum[g][k], target[g][k] * scale);
            CU_ASSERT(rel <= 1e-3);
        }
    }
}

static void test_aggregates(void)
{
    tlhn_firms *f = synth_default();
    CU_ASSERT_EQUAL(f->n, 16000);
    check_aggregates(f, 1.0);
    size_t per_district[TLHN_N_DISTRICTS] = { 0 };
    for (size_t i = 0; i < f->n; i++) {
        CU_ASSERT(f->land_mu[i] > 0);
        CU_ASSERT(f->above_scale[i] || f->land_mu[i] >= 3);   /* 规下: screened from 3 mu */
        CU_ASSERT(f->value_added[i] > 0 && f->tax[i] > 0 && f->energy_tce[i] > 0);
        CU_ASSERT(f->electricity_kwh[i] >= 0 && f->emissions[i] >= 0);
        CU_ASSERT(f->employees[i] >= 1 && f->employees[i] == round(f->employees[i]));
        CU_ASSERT(f->rd_ratio[i] >= 0 && f->rd_ratio[i] <= 1);
        CU_ASSERT(f->district[i] < TLHN_N_DISTRICTS && f->sector[i] < TLHN_N_SECTORS);
        CU_ASSERT(f->id_rank[i] == i);
        CU_ASSERT(atol(f->id[i]) == (long)i + 1);
        per_district[f->district[i]]++;
    }
    /* §2 shares, in exact quota per group: 萧山 25% of 6,300 + 25% of 9,700 */
    CU_ASSERT_EQUAL(per_district[tlhn_district_find("萧山")], 1575 + 2425);
    CU_ASSERT_EQUAL(per_district[tlhn_district_find("富阳")], 882 + 1358);
    tlhn_firms_free(f);
}

static void test_scale(void)
{
    tlhn_popcfg cfg;
    tlhn_popcfg_default(&cfg);
    const double scales[] = { 0.01, 0.1, 2.0 };
    for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++) {
        cfg.scale = scales[k];
        tlhn_firms *f = tlhn_firms_synthesize(&cfg);
        CU_ASSERT_FATAL(f != NULL);
        CU_ASSERT_EQUAL(f->n, (size_t)(round(6300 * cfg.scale) + round(9700 * cfg.scale)));
        check_aggregates(f, cfg.scale);
        tlhn_firms_free(f);
    }
}

static int tables_equal(const tlhn_firms *a, const tlhn_firms *b)
{
    if (a->n != b->n)
        return 0;
    size_t n = a->n, nd = n * sizeof(double);
    for (size_t i = 0; i < n; i++)
        if (strcmp(a->id[i], b->id[i]) != 0)
            return 0;
    return memcmp(a->id_rank, b->id_rank, n * sizeof *a->id_rank) == 0
        && memcmp(a->district, b->district, n) == 0 && memcmp(a->sector, b->sector, n) == 0
        && memcmp(a->above_scale, b->above_scale, n) == 0
        && memcmp(a->land_mu, b->land_mu, nd) == 0
        && memcmp(a->value_added, b->value_added, nd) == 0 && memcmp(a->tax, b->tax, nd) == 0
        && memcmp(a->energy_tce, b->energy_tce, nd) == 0
        && memcmp(a->electricity_kwh, b->electricity_kwh, nd) == 0
        && memcmp(a->employees, b->employees, nd) == 0
        && memcmp(a->rd_ratio, b->rd_ratio, nd) == 0
        && memcmp(a->emissions, b->emissions, nd) == 0;
}

static void test_deterministic(void)
{
    tlhn_firms *a = synth_default(), *b = synth_default();
    CU_ASSERT(tables_equal(a, b));
    char *dir = tu_tmpdir();
    CU_ASSERT_FATAL(dir != NULL);
    char pa[4200], pb[4200];
    snprintf(pa, sizeof pa, "%s/a.csv", dir);
    snprintf(pb, sizeof pb, "%s/b.csv", dir);
    phx_err e = { 0 };
    CU_ASSERT_EQUAL(tlhn_firms_write_csv(a, pa, &e), PHX_OK);
    CU_ASSERT_EQUAL(tlhn_firms_write_csv(b, pb, &e), PHX_OK);
    char *ta = tu_slurp(pa), *tb = tu_slurp(pb);
    CU_ASSERT_FATAL(ta != NULL && tb != NULL);
    CU_ASSERT(strcmp(ta, tb) == 0);
    free(ta);
    free(tb);
    remove(pa);
    remove(pb);
    remove(dir);
    free(dir);

    tlhn_popcfg cfg;
    tlhn_popcfg_default(&cfg);
    cfg.seed = 7;
    tlhn_firms *c = tlhn_firms_synthesize(&cfg);
    CU_ASSERT(!tables_equal(a, c));                 /* another seed, another population */
    tlhn_firms_free(a);
    tlhn_firms_free(b);
    tlhn_firms_free(c);
}

static double corr(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++)
        mx += x[i], my += y[i];
    mx /= (double)n, my /= (double)n;
    for (size_t i = 0; i < n; i++) {
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    return sxy / sqrt(sxx * syy);
}

/* Sample correlations among 规上 firms (no land floor), where log land, log VA/mu and log energy
 * intensity over the sector's multiplier are exactly the copula's margins: the sample r should
 * be within 0.05 of the knob (its standard error at n = 6,300 is below 0.013). */
static void check_correlations(const tlhn_popcfg *cfg)
{
    tlhn_firms *f = tlhn_firms_synthesize(cfg);
    CU_ASSERT_FATAL(f != NULL);
    size_t n = 0;
    double *ll = malloc(f->n * sizeof *ll), *lv = malloc(f->n * sizeof *lv);
    double *le = malloc(f->n * sizeof *le), *lraw = malloc(f->n * sizeof *lraw);
    for (size_t i = 0; i < f->n; i++) {
        if (!f->above_scale[i])
            continue;
        double ei = f->energy_tce[i] / f->value_added[i];
        ll[n] = log(f->land_mu[i]);
        lv[n] = log(f->value_added[i] / f->land_mu[i]);
        lraw[n] = log(ei);
        le[n] = log(ei / tlhn_sector_energy_mult[f->sector[i]]);
        n++;
    }
    double r_lv = corr(ll, lv, n), r_ev = corr(le, lv, n), r_le = corr(ll, le, n);
    double r_raw = corr(lraw, lv, n);
    printf("\n  rho (land, VA/mu) %.3f [%.2f], (energy int, VA/mu) %.3f [%.2f] (%.3f with sector), "
           "(land, energy int) %.3f [%.2f] ", r_lv, cfg->rho_land_va, r_ev, cfg->rho_energy_va,
           r_raw, r_le, cfg->rho_land_energy);
    CU_ASSERT(fabs(r_lv - cfg->rho_land_va) < 0.05);
    CU_ASSERT(fabs(r_ev - cfg->rho_energy_va) < 0.05);
    CU_ASSERT(fabs(r_le - cfg->rho_land_energy) < 0.05);
    if (cfg->rho_energy_va < -0.1) {
        CU_ASSERT(r_raw < 0);                         /* the sector mix dilutes, keeps the sign */
    }
    free(ll);
    free(lv);
    free(le);
    free(lraw);
    tlhn_firms_free(f);
}

static void test_correlations(void)
{
    tlhn_popcfg cfg;
    tlhn_popcfg_default(&cfg);
    check_correlations(&cfg);
    cfg.rho_land_va = -0.3;                          /* the spec's nominal values */
    cfg.rho_energy_va = -0.4;
    cfg.rho_land_energy = 0;
    check_correlations(&cfg);
    cfg.rho_land_va = 0.2;                           /* the knobs steer, signs included */
    cfg.rho_energy_va = 0.3;
    check_correlations(&cfg);
}

static void test_csv_roundtrip(void)
{
    tlhn_popcfg cfg;
    tlhn_popcfg_default(&cfg);
    cfg.scale = 0.2;
    tlhn_firms *f = tlhn_firms_synthesize(&cfg);
    char *dir = tu_tmpdir();
    CU_ASSERT_FATAL(f != NULL && dir != NULL);
    char path[4200];
    snprintf(path, sizeof path, "%s/firms.csv", dir);
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(tlhn_firms_write_csv(f, path, &e), PHX_OK);
    tlhn_firms *g = tlhn_firms_read_csv(path, &e);
    if (g == NULL)
        printf("\n  %s\n", e.msg);
    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT(tables_equal(f, g));                   /* every double bit for bit */
    /* writing an existing file replaces it (temporary file + rename), leaving nothing behind */
    CU_ASSERT_EQUAL(tlhn_firms_write_csv(g, path, &e), PHX_OK);
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "test \"$(ls '%s' | wc -l)\" -eq 1", dir);
    CU_ASSERT_EQUAL(tu_sh(cmd, NULL), 0);
    /* a directory that does not exist: PHX_ERUN naming the path */
    snprintf(path, sizeof path, "%s/no/such/dir/firms.csv", dir);
    CU_ASSERT_EQUAL(tlhn_firms_write_csv(f, path, &e), PHX_ERUN);
    CU_ASSERT(strstr(e.msg, path) != NULL);
    snprintf(path, sizeof path, "%s/firms.csv", dir);
    remove(path);
    remove(dir);
    free(dir);
    tlhn_firms_free(f);
    tlhn_firms_free(g);
}

#define HDR "id,district,sector,above_scale,land_mu,value_added,tax,energy_tce,electricity_kwh," \
            "employees,rd_ratio,emissions\n"
#define ROW1 "1,萧山,textiles,1,50,5000,800,3000,4000000,120,0.02,1.5\n"
#define ROW2 "2,fuyang,other,0,8,300,40,200,300000,15,0,0.1\n"

/* One provoked input error: file text, the line and the column the message must name. */
typedef struct {
    const char *what;
    const char *text;
    int line;
    const char *column;     /* NULL: the error is about the line, not one column */
} csv_case;

static const csv_case csv_errors[] = {
    { "missing column", "id,district,sector,above_scale,land_mu,value_added,energy_tce,"
      "electricity_kwh,employees,rd_ratio,emissions\n", 1, "tax" },
    { "column twice", "tax," HDR, 1, "tax" },
    { "non-number", HDR ROW1 "2,fuyang,other,0,eight,300,40,200,300000,15,0,0.1\n", 3,
      "land_mu" },
    { "empty number", HDR ROW1 "2,fuyang,other,0,8,300,,200,300000,15,0,0.1\n", 3, "tax" },
    { "negative", HDR "1,萧山,textiles,1,50,5000,-800,3000,4000000,120,0.02,1.5\n", 2, "tax" },
    { "land zero", HDR "1,萧山,textiles,1,0,5000,800,3000,4000000,120,0.02,1.5\n", 2,
      "land_mu" },
    { "employees < 1", HDR ROW1 "2,fuyang,other,0,8,300,40,200,300000,0.5,0,0.1\n", 3,
      "employees" },
    { "rd_ratio > 1", HDR "1,萧山,textiles,1,50,5000,800,3000,4000000,120,1.5,1.5\n", 2,
      "rd_ratio" },
    { "above_scale 2", HDR "1,萧山,textiles,2,50,5000,800,3000,4000000,120,0.02,1.5\n", 2,
      "above_scale" },
    { "unknown district", HDR ROW1 "2,hangzhou,other,0,8,300,40,200,300000,15,0,0.1\n", 3,
      "district" },
    { "not a unit", HDR "1,萧山镇,textiles,1,50,5000,800,3000,4000000,120,0.02,1.5\n", 2,
      "district" },
    { "unknown sector", HDR ROW1 "2,fuyang,paper,0,8,300,40,200,300000,15,0,0.1\n", 3, "sector" },
    { "duplicate id", HDR ROW1 ROW2 "1,fuyang,other,0,8,300,40,200,300000,15,0,0.1\n", 4, "id" },
    { "duplicate integer", HDR ROW1 ROW2 "001,fuyang,other,0,8,300,40,200,300000,15,0,0.1\n", 4,
      "id" },
    { "empty id", HDR ",fuyang,other,0,8,300,40,200,300000,15,0,0.1\n", 2, "id" },
    { "too many fields", HDR ROW1 "2,fuyang,other,0,8,300,40,200,300000,15,0,0.1,9\n", 3, NULL },
    { "too few fields", HDR "1,萧山,textiles,1,50,5000,800,3000,4000000,120,0.02\n", 2, NULL },
    { "comma in a field", HDR "1,萧山,textiles,1,50,5,000,800,3000,4000000,120,0.02,1.5\n", 2,
      NULL },
    { "empty table", HDR "\n", 1, NULL },
    { "nothing", "", 1, NULL },
    /* issue 16: a NUL anywhere is an error naming its line (never a silent truncation) */
    { "NUL in a field", HDR ROW1 "2,fuy\0ang,other,0,8,300,40,200,300000,15,0,0.1\n", 3, NULL },
    { "huge land", HDR "1,萧山,textiles,1,1e308,5000,800,3000,4000000,120,0.02,1.5\n", 2,
      "land_mu" },
    { "huge value added", HDR "1,萧山,textiles,1,5,1e300,800,3000,4000000,120,0.02,1.5\n", 2,
      "value_added" },
    { "overflow", HDR "1,萧山,textiles,1,5,50,800,3000,4000000,120,0.02,1e999\n", 2,
      "emissions" },
    { "inf", HDR "1,萧山,textiles,1,5,50,800,inf,4000000,120,0.02,1\n", 2, "energy_tce" },
    { "nan", HDR "1,萧山,textiles,1,5,50,800,nan,4000000,120,0.02,1\n", 2, "energy_tce" },
    { "hex float", HDR "1,萧山,textiles,1,0x10,50,800,3,4000000,120,0.02,1\n", 2, "land_mu" },
    { "bad quote", HDR "1,萧山,tex\"tiles,1,5,50,800,3,4000000,120,0.02,1\n", 2, NULL },
    { "unclosed quote", HDR ROW1 "\"2,fuyang,other,0,8,300,40,200,300000,15,0,0.1\n", 3, NULL },
    { "totals row", HDR ROW1 "合计,,,,58,5300,840,3200,4300000,135,0,1.6\n", 3, "id" },
    { "three missing", "id,district,sector,above_scale,value_added,electricity_kwh,employees,"
      "rd_ratio,emissions\n", 1, NULL },
    { "two names of a column", "用地面积(亩),用地面积," HDR, 1, "land_mu" },
};

static void test_csv_errors(void)
{
    char *dir = tu_tmpdir();
    CU_ASSERT_FATAL(dir != NULL);
    char path[4200], want[4300];
    for (size_t k = 0; k < sizeof csv_errors / sizeof csv_errors[0]; k++) {
        const csv_case *c = &csv_errors[k];
        snprintf(path, sizeof path, "%s/case%zu.csv", dir, k);
        FILE *fp = fopen(path, "wb");
        CU_ASSERT_FATAL(fp != NULL);
        size_t len = strlen(c->text);
        if (strcmp(c->what, "NUL in a field") == 0)        /* the text goes on after the NUL */
            len += 1 + strlen(c->text + len + 1);
        fwrite(c->text, 1, len, fp);
        fclose(fp);
        phx_err e = { 0 };
        tlhn_firms *f = tlhn_firms_read_csv(path, &e);
        snprintf(want, sizeof want, "%s:%d: %s%s", path, c->line, c->column ? c->column : "",
                 c->column ? ": " : "");
        int ok = f == NULL && e.status == PHX_EINPUT && strncmp(e.msg, want, strlen(want)) == 0;
        if (!ok)
            printf("\n  case \"%s\": got \"%s\", wanted a message starting \"%s\"\n", c->what,
                   f ? "(a table)" : e.msg, want);
        CU_ASSERT(ok);
        tlhn_firms_free(f);
        remove(path);
    }
    /* a missing file names the file */
    snprintf(path, sizeof path, "%s/none.csv", dir);
    phx_err e = { 0 };
    CU_ASSERT(tlhn_firms_read_csv(path, &e) == NULL);
    CU_ASSERT(e.status == PHX_EINPUT && strstr(e.msg, path) == e.msg);
    remove(dir);
    free(dir);
}

/* What the reader accepts: columns in any order, extra columns, district spellings, CRLF,
 * a byte-order mark, blank lines. */
static void test_csv_accepts(void)
{
    char *dir = tu_tmpdir();
    CU_ASSERT_FATAL(dir != NULL);
    char path[4200];
    snprintf(path, sizeof path, "%s/ok.csv", dir);
    const char *text =
        "\xEF\xBB\xBF" "name,emissions,rd_ratio,employees,electricity_kwh,energy_tce,tax,"
        "value_added,land_mu,above_scale,sector,district,id\r\n"
        "a, 1.5,0.02,120,4e6,3000,800,5000,50,1,Textiles,萧山,b\r\n"
        "\r\n"
        "x,0,0,1,0,0,0,0,3,0,other,萧山区,10\r\n"
        "x,0,0,1,0,0,0,0,3,0,pharma,XiaoShan,9\r\n"
        "x,0,0,1,0,0,0,0,3,0,metals,建德市,a10\r\n"
        "x,0,0,1,0,0,0,0,3,0,metals,桐庐县,a9\r\n"
        "x,0,0,1,0,0,0,0,3,0,chemicals,淳安,-2\n"
        "x,0,0,1,0,0,0,0,3,0,chemicals,富阳市,x\n";
    CU_ASSERT_FATAL(tu_write(path, text) == 0);
    phx_err e = { 0 };
    tlhn_firms *f = tlhn_firms_read_csv(path, &e);
    if (f == NULL)
        printf("\n  %s\n", e.msg);
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_EQUAL(f->n, 7);
    CU_ASSERT_STRING_EQUAL(f->id[0], "b");
    CU_ASSERT_EQUAL(f->district[0], tlhn_district_find("xiaoshan"));
    CU_ASSERT_EQUAL(f->district[1], tlhn_district_find("xiaoshan"));
    CU_ASSERT_EQUAL(f->district[2], tlhn_district_find("xiaoshan"));
    CU_ASSERT_EQUAL(f->district[3], tlhn_district_find("jiande"));
    CU_ASSERT_EQUAL(f->district[4], tlhn_district_find("tonglu"));
    CU_ASSERT_EQUAL(f->district[5], tlhn_district_find("chunan"));
    CU_ASSERT_EQUAL(f->district[6], tlhn_district_find("fuyang"));
    CU_ASSERT_EQUAL(f->sector[0], tlhn_sector_find("textiles"));
    CU_ASSERT_EQUAL(f->above_scale[0], 1);
    CU_ASSERT_EQUAL(f->land_mu[0], 50);
    CU_ASSERT_EQUAL(f->electricity_kwh[0], 4e6);
    CU_ASSERT_EQUAL(f->emissions[0], 1.5);
    /* ids b, 10, 9, a10, a9, -2, x: integers first (-2, 9, 10), then bytes (a10, a9, b, x) */
    const uint32_t rank[7] = { 5, 2, 1, 3, 4, 0, 6 };
    for (int i = 0; i < 7; i++)
        CU_ASSERT_EQUAL(f->id_rank[i], rank[i]);
    tlhn_firms_free(f);
    remove(path);
    remove(dir);
    free(dir);
}

/* RFC 4180 and what Excel and a 亩均 list put in a table (issue 13): a title row, Chinese
 * headers with units, quoted fields with delimiters, quotes and line breaks inside, thousands
 * separators, percentages, unit factors, 是/否, GB/T 4754 sectors, district spellings, a
 * subnormal number (issue 16), CR-only line ends, an empty row. */
static void test_csv_real_world(void)
{
    char *dir = tu_tmpdir();
    CU_ASSERT_FATAL(dir != NULL);
    char path[4200];
    snprintf(path, sizeof path, "%s/list.csv", dir);
    const char *text =
        "2023年度亩均效益评价,,,,,,,,,,,,\r"
        "企业名称,统一社会信用代码,区县（市）,行业,是否规上,用地面积（亩）,增加值(万元),税收(万元),"
        "综合能耗(吨标煤),用电量(万千瓦时),从业人员,研发投入占比(%),主要污染物排放量(吨)\r"
        "\"甲公司, \"\"凤凰\"\"\r(一厂)\",91330100A,杭州市萧山区,纺织业,是,\"1,234.5\","
        "\"12,345,678\",800,3000,\"1,200.5\",120,2.5,1e-320\r"
        ",,,,,,,,,,,,\r"
        "乙,91330100B,下城区,C39,否,8,300,40,200,30,15,0,0\r"
        "丙,91330100C,桐庐县,化工,规下,8,300,40,200,30,15,0,0\r"
        "丁,91330100D,Jiande,计算机、通信和其他电子设备制造业,0,8,300,40,200,30,15,0,0,,";
    CU_ASSERT_FATAL(tu_write(path, text) == 0);
    phx_err e = { 0 };
    tlhn_firms *f = tlhn_firms_read_csv(path, &e);
    if (f == NULL)
        printf("\n  %s\n", e.msg);
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_EQUAL(f->n, 4);
    CU_ASSERT_STRING_EQUAL(f->id[0], "91330100A");          /* the credit code, not the name */
    CU_ASSERT_EQUAL(f->district[0], tlhn_district_find("xiaoshan"));
    CU_ASSERT_EQUAL(f->district[1], tlhn_district_find("gongshu"));   /* 下城 -> 拱墅 */
    CU_ASSERT_EQUAL(tlhn_district_find("江干区"), -1);        /* split between 上城 and 钱塘 */
    CU_ASSERT_EQUAL(f->district[2], tlhn_district_find("tonglu"));
    CU_ASSERT_EQUAL(f->district[3], tlhn_district_find("jiande"));
    CU_ASSERT_EQUAL(f->sector[0], tlhn_sector_find("textiles"));
    CU_ASSERT_EQUAL(f->sector[1], tlhn_sector_find("electronics"));
    CU_ASSERT_EQUAL(f->sector[2], tlhn_sector_find("chemicals"));
    CU_ASSERT_EQUAL(f->sector[3], tlhn_sector_find("electronics"));
    CU_ASSERT(f->above_scale[0] == 1 && f->above_scale[1] == 0 && f->above_scale[2] == 0);
    CU_ASSERT_EQUAL(f->land_mu[0], 1234.5);
    CU_ASSERT_EQUAL(f->value_added[0], 12345678);
    CU_ASSERT_EQUAL(f->electricity_kwh[0], 1200.5 * 1e4);   /* 万千瓦时 */
    CU_ASSERT_EQUAL(f->electricity_kwh[1], 30 * 1e4);
    CU_ASSERT_DOUBLE_EQUAL(f->rd_ratio[0], 0.025, 1e-15);   /* (%) */
    CU_ASSERT(f->emissions[0] > 0 && f->emissions[0] < 1e-300);   /* 1e-320 kept */
    CU_ASSERT_EQUAL(f->src.header_line, 2);
    CU_ASSERT_EQUAL(f->src.delimiter, ',');
    CU_ASSERT_STRING_EQUAL(f->src.encoding, "UTF-8");
    CU_ASSERT(strlen(f->src.sha256) == 64);
    tlhn_firms_free(f);

    /* the delimiter given: semicolon (detection would find it too) */
    snprintf(path, sizeof path, "%s/semi.csv", dir);
    CU_ASSERT_FATAL(tu_write(path, "id;district;sector;above_scale;land_mu;value_added;tax;"
                                   "energy_tce;electricity_kwh;employees;rd_ratio;emissions\n"
                                   "1;xihu;other;1;\"1,000\";5;1;1;1;1;0;0\n") == 0);
    tlhn_csv_opts o = { "semicolon", "utf-8" };
    f = tlhn_firms_read_csv_opts(path, &o, &e);
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT(f->n == 1 && f->land_mu[0] == 1000 && f->src.delimiter == ';');
    CU_ASSERT(!f->src.delimiter_detected && !f->src.encoding_detected);
    tlhn_firms_free(f);
    o.delimiter = "tab";            /* given wrong: the header is one field, "1,000" a bad quote */
    CU_ASSERT(tlhn_firms_read_csv_opts(path, &o, &e) == NULL);
    CU_ASSERT(strstr(e.msg, "semi.csv:2: a quote inside an unquoted field") != NULL);
    remove(path);
    snprintf(path, sizeof path, "%s/list.csv", dir);
    remove(path);
    remove(dir);
    free(dir);
}

/* The synthetic table's provenance hash is the hash of the file `phoenix synth` writes. */
static void test_csv_sha256(void)
{
    tlhn_popcfg cfg;
    tlhn_popcfg_default(&cfg);
    cfg.scale = 0.05;
    tlhn_firms *f = tlhn_firms_synthesize(&cfg);
    char *dir = tu_tmpdir();
    CU_ASSERT_FATAL(f != NULL && dir != NULL);
    char path[4200], hex[65];
    snprintf(path, sizeof path, "%s/firms.csv", dir);
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(tlhn_firms_write_csv(f, path, &e), PHX_OK);
    CU_ASSERT_EQUAL(tlhn_firms_csv_sha256(f, hex), 0);
    tlhn_firms *g = tlhn_firms_read_csv(path, &e);
    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT_STRING_EQUAL(g->src.sha256, hex);
    CU_ASSERT_STRING_EQUAL(g->src.path, path);
    CU_ASSERT(g->src.resolved[0] == '/');
    tlhn_firms_free(g);
    /* an id with a comma and quotes is written quoted and reads back as itself */
    free(f->id[0]);
    f->id[0] = phx_strdup("a, \"b\"");
    CU_ASSERT_EQUAL_FATAL(tlhn_firms_write_csv(f, path, &e), PHX_OK);
    g = tlhn_firms_read_csv(path, &e);
    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT_STRING_EQUAL(g->id[0], "a, \"b\"");
    tlhn_firms_free(g);
    tlhn_firms_free(f);
    remove(path);
    remove(dir);
    free(dir);
}

/* The §3.3 id order on sets of integers, of strings, and (our resolution) of both. */
static void test_id_rank(void)
{
    static const struct {
        const char *ids[6];
        size_t n;
        uint32_t rank[6];
    } cases[] = {
        { { "10", "9", "100", "-3", "0" }, 5, { 3, 2, 4, 0, 1 } },     /* as integers */
        { { "b", "a10", "a9", "B", "a" }, 5, { 4, 2, 3, 0, 1 } },      /* as bytes */
        { { "10", "9", "5x", "a", "Z" }, 5, { 1, 0, 2, 4, 3 } },       /* integers first */
        { { "99999999999999999999", "7", "x" }, 3, { 1, 0, 2 } },      /* too long: a string */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        tlhn_firms *f = tlhn_firms_alloc(cases[k].n);
        for (size_t i = 0; i < cases[k].n; i++)
            f->id[i] = strdup(cases[k].ids[i]);
        size_t a, b;
        CU_ASSERT_EQUAL(tlhn_firms_rank_ids(f, &a, &b), 0);
        for (size_t i = 0; i < cases[k].n; i++)
            CU_ASSERT_EQUAL(f->id_rank[i], cases[k].rank[i]);
        tlhn_firms_free(f);
    }
    CU_ASSERT(tlhn_firms_id_cmp("9", "10") < 0);     /* integers as integers */
    CU_ASSERT(tlhn_firms_id_cmp("a9", "a10") > 0);   /* strings as bytes */
    CU_ASSERT(tlhn_firms_id_cmp("7", "007") == 0);   /* the same integer: a duplicate */
    tlhn_firms *f = tlhn_firms_alloc(4);
    const char *dup[4] = { "a", "7", "b", "007" };
    for (int i = 0; i < 4; i++)
        f->id[i] = strdup(dup[i]);
    size_t a = 0, b = 0;
    CU_ASSERT_EQUAL(tlhn_firms_rank_ids(f, &a, &b), -1);
    CU_ASSERT(a == 1 && b == 3);
    tlhn_firms_free(f);
}

/* The §3 score with the default evaluation settings (district scope, cap 3, benchmark factor 1,
 * class shares 0.10/0.35/0.45/0.10): a stand-in for the model's evaluation, used only to check
 * that the generator gives rectification a land-heavy, energy-hungry tail (§2 calibration
 * goal). cls: 0 = A .. 3 = D. */
static void score_base_year(const tlhn_firms *f, double *score, int *cls)
{
    static const double w_above[6] = { 30, 20, 20, 10, 10, 10 }, w_below[2] = { 50, 50 };
    double (*x)[6] = calloc(f->n, sizeof *x);
    for (size_t i = 0; i < f->n; i++) {
        double va = f->value_added[i];
        x[i][0] = f->tax[i] / f->land_mu[i];
        if (f->above_scale[i]) {     /* every synthetic denominator is > 0 */
            x[i][1] = va / f->land_mu[i];
            x[i][2] = va / f->energy_tce[i];
            x[i][3] = va / f->emissions[i];
            x[i][4] = va / f->employees[i];
            x[i][5] = f->rd_ratio[i];
        } else {
            x[i][1] = f->tax[i] / f->electricity_kwh[i];
        }
    }
    size_t *idx = malloc(f->n * sizeof *idx);
    for (int d = 0; d < TLHN_N_DISTRICTS; d++)
        for (int g = 0; g < 2; g++) {
            int nk = g ? 6 : 2;
            const double *w = g ? w_above : w_below;
            double b[6] = { 0 };
            size_t m = 0;
            for (size_t i = 0; i < f->n; i++)
                if (f->district[i] == d && f->above_scale[i] == g) {
                    idx[m++] = i;
                    for (int k = 0; k < nk; k++)
                        b[k] += x[i][k];
                }
            for (size_t j = 0; j < m; j++) {
                size_t i = idx[j];
                score[i] = 0;
                for (int k = 0; k < nk; k++)
                    score[i] += w[k] * fmin(x[i][k] / (b[k] / (double)m), 3.0);
            }
            /* rank by score descending, ties by id (insertion sort: m is a few thousand) */
            for (size_t j = 1; j < m; j++) {
                size_t v = idx[j], p = j;
                while (p > 0 && (score[idx[p - 1]] < score[v] || (score[idx[p - 1]] == score[v]
                                 && f->id_rank[idx[p - 1]] > f->id_rank[v]))) {
                    idx[p] = idx[p - 1];
                    p--;
                }
                idx[p] = v;
            }
            const double cum[3] = { 0.10, 0.45, 0.90 };
            for (size_t j = 0; j < m; j++) {
                int c = 0;
                while (c < 3 && (double)j >= floor((double)m * cum[c] + 0.5))
                    c++;
                cls[idx[j]] = c;
            }
        }
    free(idx);
    free(x);
}

static const double *tail_score;
static const tlhn_firms *tail_firms;

static int by_score(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    if (tail_score[a] != tail_score[b])
        return tail_score[a] < tail_score[b] ? -1 : 1;
    return tail_firms->id_rank[a] < tail_firms->id_rank[b] ? -1 : 1;
}

/* §2 calibration goal: the 850 C/D firms that rectification starts on in 2021-2023 (300, 300,
 * 250, lowest score first) average about 40 mu and 1,800 tce (docs/model-population.md); the
 * test keeps them within 30-60 mu and 1,000-3,000 tce. */
static void test_tail(void)
{
    tlhn_firms *f = synth_default();
    double *score = malloc(f->n * sizeof *score);
    int *cls = malloc(f->n * sizeof *cls);
    size_t *cand = malloc(f->n * sizeof *cand), m = 0;
    score_base_year(f, score, cls);
    for (size_t i = 0; i < f->n; i++)
        if (cls[i] >= 2)
            cand[m++] = i;
    tail_score = score;
    tail_firms = f;
    qsort(cand, m, sizeof *cand, by_score);
    const size_t worst[] = { 300, 850, 1000 };
    for (size_t k = 0; k < 3; k++) {
        double land = 0, energy = 0, above = 0;
        for (size_t j = 0; j < worst[k]; j++) {
            land += f->land_mu[cand[j]];
            energy += f->energy_tce[cand[j]];
            above += f->above_scale[cand[j]];
        }
        double n = (double)worst[k];
        printf("\n  worst %4zu C/D firms: %.1f mu, %.0f tce, %.0f%% 规上", worst[k], land / n,
               energy / n, 100 * above / n);
        if (worst[k] == 850) {
            CU_ASSERT(land / n >= 30 && land / n <= 60);
            CU_ASSERT(energy / n >= 1000 && energy / n <= 3000);
        }
    }
    printf("\n");
    free(score);
    free(cls);
    free(cand);
    tlhn_firms_free(f);
}

static void test_popcfg_check(void)
{
    tlhn_popcfg cfg;
    tlhn_popcfg_default(&cfg);
    phx_err e = { 0 };
    CU_ASSERT_EQUAL(tlhn_popcfg_check(&cfg, &e), PHX_OK);
    cfg.scale = 0;
    CU_ASSERT_EQUAL(tlhn_popcfg_check(&cfg, &e), PHX_EINPUT);
    CU_ASSERT(strstr(e.msg, "population.scale") != NULL);
    CU_ASSERT(tlhn_firms_synthesize(&cfg) == NULL);
    tlhn_popcfg_default(&cfg);
    cfg.sigma_land = 0.01;                           /* the parameter row's bounds: 0.05 .. 3 */
    CU_ASSERT_EQUAL(tlhn_popcfg_check(&cfg, &e), PHX_EINPUT);
    CU_ASSERT(strstr(e.msg, "population.sigma_land") != NULL);
    cfg.sigma_land = 3;
    CU_ASSERT_EQUAL(tlhn_popcfg_check(&cfg, &e), PHX_OK);
    tlhn_popcfg_default(&cfg);
    cfg.rho_land_va = -0.9;                          /* each fine alone, impossible together */
    cfg.rho_energy_va = -0.9;
    cfg.rho_land_energy = -0.5;
    CU_ASSERT_EQUAL(tlhn_popcfg_check(&cfg, &e), PHX_EINPUT);
    CU_ASSERT(strstr(e.msg, "population.rho_land_energy") != NULL);
    CU_ASSERT(tlhn_firms_synthesize(&cfg) == NULL);
}

static const param_def pop_rows[] = { TLHN_POPULATION_PARAM_ROWS };
#define N_POP_ROWS (sizeof pop_rows / sizeof pop_rows[0])

/* The parameter rows: one per knob, defaults inside their bounds and equal to
 * tlhn_popcfg_default(). */
static void test_param_rows(void)
{
    CU_ASSERT_EQUAL(N_POP_ROWS, 14);     /* 11 knobs, coverage, csv_delimiter, encoding */
    tlhn_popcfg cfg;
    tlhn_popcfg_default(&cfg);
    for (size_t k = 0; k < N_POP_ROWS; k++) {
        double v;
        CU_ASSERT(strncmp(pop_rows[k].name, "population.", 11) == 0);
        CU_ASSERT(pop_rows[k].flags == 0);           /* constants, never drawn */
        if (pop_rows[k].kind == PARAM_CHOICE) {
            CU_ASSERT(param_choice_ok(pop_rows[k].choices, pop_rows[k].def));
            continue;
        }
        CU_ASSERT(phx_parse_double(pop_rows[k].def, &v) == 0);
        CU_ASSERT(v >= pop_rows[k].lo && v <= pop_rows[k].hi);
        CU_ASSERT(pop_rows[k].flags == 0);           /* constants, never drawn */
    }
    CU_ASSERT(param_find(pop_rows, N_POP_ROWS, "population.rho_land_va") >= 0);
    CU_ASSERT_STRING_EQUAL(pop_rows[0].name, "population.seed");
    CU_ASSERT_EQUAL(pop_rows[0].kind, PARAM_INT);
    CU_ASSERT_EQUAL(atof(pop_rows[0].def), (double)cfg.seed);
}

/* A model that has only the population rows, so that the scenario machinery can resolve them. */
static const model_type pop_model = {
    .name = "poptest",
    .description = "population keys only",
    .params = pop_rows,
    .n_params = N_POP_ROWS,
};

static void test_scenario(void)
{
    scenario *sc = NULL;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(scenario_defaults(&sc, &pop_model, NULL, 0, &e), PHX_OK);
    tlhn_popcfg a, b;
    tlhn_popcfg_from_scenario(sc, &a);
    tlhn_popcfg_default(&b);
    CU_ASSERT(memcmp(&a, &b, sizeof a) == 0);
    CU_ASSERT_STRING_EQUAL(sc->firms, "synthetic");
    tlhn_firms *f = tlhn_firms_load(sc, &e);
    CU_ASSERT(f != NULL && f->n == 16000);
    tlhn_firms_free(f);
    scenario_free(sc);

    const scenario_override ov[] = {
        { "--set", "population.seed", "7" },
        { "--set", "population.scale", "0.05" },
        { "--set", "population.rho_land_va", "-0.3" },
    };
    CU_ASSERT_EQUAL_FATAL(scenario_defaults(&sc, &pop_model, ov, 3, &e), PHX_OK);
    tlhn_popcfg_from_scenario(sc, &a);
    CU_ASSERT(a.seed == 7 && a.scale == 0.05 && a.rho_land_va == -0.3);
    f = tlhn_firms_load(sc, &e);
    CU_ASSERT(f != NULL && f->n == 800);
    tlhn_firms_free(f);
    scenario_free(sc);

    /* firms = a CSV path: read it; a missing one is an input error naming it */
    const scenario_override csv[] = { { "--firms", "scenario.firms", "/no/such/firms.csv" } };
    CU_ASSERT_EQUAL_FATAL(scenario_defaults(&sc, &pop_model, csv, 1, &e), PHX_OK);
    CU_ASSERT(tlhn_firms_load(sc, &e) == NULL);
    CU_ASSERT(strstr(e.msg, "/no/such/firms.csv") != NULL);
    scenario_free(sc);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "aggregates match §2 within 0.1%", test_aggregates },
        { "population.scale scales counts and aggregates", test_scale },
        { "same seed, same table and CSV", test_deterministic },
        { "copula correlations (tolerance 0.05)", test_correlations },
        { "CSV round trip is exact", test_csv_roundtrip },
        { "CSV errors name file, line and column", test_csv_errors },
        { "CSV order, extra columns, district names", test_csv_accepts },
        { "CSV as Excel and 亩均 lists write it", test_csv_real_world },
        { "CSV provenance hash, quoted ids", test_csv_sha256 },
        { "id order (§3.3)", test_id_rank },
        { "low-scoring tail is land-heavy, energy-hungry", test_tail },
        { "knob checks", test_popcfg_check },
        { "population.* parameter rows", test_param_rows },
        { "population.* keys from a scenario", test_scenario },
        CU_TEST_INFO_NULL,
    };
    return tu_run("firms", tests);
}
