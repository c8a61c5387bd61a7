/* plot_file.c -- `phoenix report` and `phoenix plot` as files: which chart a name means, what
 * it is about, and writing through a temporary file renamed into place (never a half-written
 * page or image; an existing file is kept unless --force). */
#include "rpt.h"
#include "rpt_page.h"
#include "../engine/outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char plot_charts[] =
    "  fan              a metric's fan over the years (5-95%, 25-75%, median, target)  --metric --scenario\n"
    "  ptarget          P(target met) in the last year with 95% intervals             --scenario\n"
    "  districts        small multiples by district                                   --scenario\n"
    "  compare          a comparison's paired differences by year (median, 90%)       --scenario (its b)\n"
    "  pbetter          a comparison's P(better) per metric                           --scenario (its b)\n"
    "  sweep-mean       a sweep's mean against a lever                                --lever\n"
    "  sweep-p          a sweep's P(target met) against a lever                       --lever\n"
    "  fund-fan         the fund's balance fan at the scenario's value\n"
    "  fund-fan-answer  the fund's balance fan at the answer\n"
    "  fund-shortfall   P(first shortfall) by year\n"
    "  fund-breakeven   the break-even distribution\n"
    "  fund-search      the targets search (P against the value)\n"
    "  sobol            Sobol S1 and ST with intervals, the chance row included        --metric\n"
    "  morris           Morris mu* and sigma                                           --metric\n"
    "  tornado          the tornado of swings                                          --metric\n";

int rpt_lang_parse(const char *s, rpt_lang *lang, phx_err *e)
{
    if (s != NULL && strcmp(s, "zh") == 0)
        *lang = RPT_LANG_ZH;
    else if (s != NULL && strcmp(s, "en") == 0)
        *lang = RPT_LANG_EN;
    else if (s != NULL && strcmp(s, "both") == 0)
        *lang = RPT_LANG_BOTH;
    else
        return phx_fail(e, PHX_EINPUT, NULL, 0, "--lang", "'%s': expected zh, en or both", s ? s : "");
    return PHX_OK;
}

/* ---- writing ---------------------------------------------------------------------------------- */

/* Open a temporary file for `out` by the rules of every output file (engine/outfile.h). */
static FILE *open_temp(const char *out, int force, phx_outfile *o, phx_err *e)
{
    if (outfile_open(o, out, force, e) != PHX_OK)
        return NULL;
    FILE *f = fopen(o->tmp, "wb");
    if (f == NULL) {
        phx_fail(e, PHX_ERUN, out, 0, NULL, "cannot create a temporary file: %s", strerror(errno));
        outfile_abort(o);
    }
    return f;
}

/* Give the finished temporary file its name (or delete it after an error). */
static int commit_temp(phx_outfile *o, const char *out, int st, phx_err *e)
{
    struct stat sb;
    if (st == PHX_OK && (stat(o->tmp, &sb) != 0 || sb.st_size == 0))
        st = phx_fail(e, PHX_ERUN, out, 0, NULL, "nothing was written");
    if (st != PHX_OK) {
        outfile_abort(o);
        return st;
    }
    return outfile_commit(o, e);
}

int report_write(const char *h5path, const char *out, rpt_lang lang, int force, phx_err *e)
{
    rpt_file f;
    rpt_buf page = { 0 };
    phx_outfile tmp = { 0 };
    int st = rpt_read(h5path, &f, e);
    if (st == PHX_OK)
        st = report_page(&f, lang, &page, e);
    FILE *fp = st == PHX_OK ? open_temp(out, force, &tmp, e) : NULL;
    if (st == PHX_OK && fp == NULL)
        st = e->status;
    if (fp != NULL) {
        if (fwrite(page.s, 1, page.len, fp) != page.len)
            st = phx_fail(e, PHX_ERUN, out, 0, NULL, "cannot write: %s", strerror(errno));
        if (fclose(fp) != 0 && st == PHX_OK)
            st = phx_fail(e, PHX_ERUN, out, 0, NULL, "cannot write: %s", strerror(errno));
        st = commit_temp(&tmp, out, st, e);
    }
    rpt_buf_free(&page);
    rpt_free(&f);
    return st;
}

int rpt_draw_file(const char *device, int w, int h, rpt_lang lang, plot_fn fn, const plot_arg *a,
                  const char *out, int force, phx_err *e)
{
    char *svg = NULL;
    phx_outfile tmp = { 0 };
    FILE *fp = open_temp(out, force, &tmp, e);
    if (fp == NULL)
        return e->status;
    int st;
    if (strcmp(device, "svg") == 0) {
        st = plot_render(device, w, h, lang, fn, a, &svg, NULL, e);
        if (st == PHX_OK && fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s\n", svg) < 0)
            st = phx_fail(e, PHX_ERUN, out, 0, NULL, "cannot write: %s", strerror(errno));
        if (fclose(fp) != 0 && st == PHX_OK)
            st = phx_fail(e, PHX_ERUN, out, 0, NULL, "cannot write: %s", strerror(errno));
        free(svg);
    } else {
        st = plot_render(device, w, h, lang, fn, a, NULL, fp, e);   /* PLplot closes fp */
    }
    return commit_temp(&tmp, out, st, e);
}
