/* plot_file.c -- `phoenix report` and `phoenix plot` as files: which chart a name means, what
 * it is about, and writing through a temporary file renamed into place (never a half-written
 * page or image; an existing file is kept unless --force). */
#include "rpt.h"
#include "rpt_page.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Open a temporary file next to `out` (0666 less the umask); *tmp is its name (caller frees). */
static FILE *open_temp(const char *out, int force, char **tmp, phx_err *e)
{
    struct stat sb;
    if (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        phx_fail(e, PHX_EINPUT, out, 0, NULL, "is a directory");
        return NULL;
    }
    if (!force && stat(out, &sb) == 0) {
        phx_fail(e, PHX_EINPUT, out, 0, NULL, "exists; use --force to overwrite");
        return NULL;
    }
    size_t n = strlen(out) + 16;
    *tmp = phx_malloc(n);
    snprintf(*tmp, n, "%s.tmp.XXXXXX", out);
    int fd = mkstemp(*tmp);
    mode_t um = umask(0);
    umask(um);
    FILE *f = fd >= 0 && fchmod(fd, 0666 & ~um) == 0 ? fdopen(fd, "wb") : NULL;
    if (f == NULL) {
        phx_fail(e, PHX_ERUN, out, 0, NULL, "cannot create a temporary file: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(*tmp);
        }
        free(*tmp);
        *tmp = NULL;
    }
    return f;
}

/* Move the finished temporary file to `out`: without force, refuse a file that appeared. */
static int commit_temp(char *tmp, const char *out, int force, int st, phx_err *e)
{
    struct stat sb;
    if (st == PHX_OK && (stat(tmp, &sb) != 0 || sb.st_size == 0))
        st = phx_fail(e, PHX_ERUN, out, 0, NULL, "nothing was written");
    if (st == PHX_OK && !force) {
        if (link(tmp, out) != 0)
            st = errno == EEXIST ? phx_fail(e, PHX_EINPUT, out, 0, NULL, "exists; use --force to overwrite")
                                 : rename(tmp, out) == 0 ? PHX_OK
                                 : phx_fail(e, PHX_ERUN, out, 0, NULL, "cannot write: %s", strerror(errno));
    } else if (st == PHX_OK && rename(tmp, out) != 0) {
        st = phx_fail(e, PHX_ERUN, out, 0, NULL, "cannot write: %s", strerror(errno));
    }
    unlink(tmp);
    free(tmp);
    return st;
}

int report_write(const char *h5path, const char *out, rpt_lang lang, int force, phx_err *e)
{
    rpt_file f;
    rpt_buf page = { 0 };
    char *tmp = NULL;
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
        st = commit_temp(tmp, out, force, st, e);
    }
    rpt_buf_free(&page);
    rpt_free(&f);
    return st;
}

int rpt_draw_file(const char *device, int w, int h, rpt_lang lang, plot_fn fn, const plot_arg *a,
                  const char *out, int force, phx_err *e)
{
    char *tmp = NULL, *svg = NULL;
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
    return commit_temp(tmp, out, force, st, e);
}
