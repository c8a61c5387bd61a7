/* plot.c -- one PLplot session per chart: the device (svg for the page, pngcairo and pdfcairo
 * for files), the palette, the fonts, the numbers behind the chart, and small drawing helpers
 * over PLplot's own primitives (docs/report.md, "How the charts are drawn"). */
#include "rpt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <plplot.h>

/* The palette: index = PC_*; r, g, b, alpha. */
static const struct { int r, g, b; double a; } palette[PC_N] = {
    [PC_BG] = { 255, 255, 255, 1 },     [PC_INK] = { 40, 40, 40, 1 },
    [PC_GRID] = { 200, 200, 200, 1 },   [PC_BAND1] = { 66, 133, 196, 0.22 },
    [PC_BAND2] = { 66, 133, 196, 0.45 }, [PC_LINE] = { 20, 70, 140, 1 },
    [PC_TARGET] = { 210, 60, 40, 1 },   [PC_BAR] = { 66, 133, 196, 1 },
    [PC_BAR2] = { 230, 150, 40, 1 },    [PC_ERR] = { 30, 30, 30, 1 },
    [PC_ALT1] = { 20, 70, 140, 1 },     [PC_ALT2] = { 230, 120, 20, 1 },
    [PC_ALT3] = { 40, 150, 70, 1 },     [PC_ALT4] = { 150, 60, 160, 1 },
    [PC_ALT5] = { 120, 120, 120, 1 },
};

/* The CJK-capable family for the cairo devices (Pango via fontconfig): Noto Sans CJK SC gives
 * Simplified Chinese glyph forms; Latin text stays in it too, so widths are consistent. */
#define PLOT_CAIRO_FAMILY "Noto Sans CJK SC"
/* For SVG, read by the browser: the same font first, then any sans-serif. */
static const char svg_style[] =
    "<style>text,tspan{font-family:\"Noto Sans CJK SC\",\"Noto Sans CJK\",\"Source Han Sans SC\","
    "\"Microsoft YaHei\",\"PingFang SC\",sans-serif}</style>";

static unsigned plot_serial;   /* makes each chart's clip-path ids unique within a page */

void plot_color(int pc)
{
    plcol0(pc);
}

static void set_palette(void)
{
    for (int i = 0; i < PC_N; i++)
        plscol0a(i, palette[i].r, palette[i].g, palette[i].b, palette[i].a);
}

/* PLplot reads '#' as the start of an escape sequence: double it. */
static void plot_esc(const char *s, char *buf, size_t n)
{
    size_t o = 0;
    for (; s != NULL && *s && o + 3 < n; s++) {
        if (*s == '#')
            buf[o++] = '#';
        buf[o++] = *s;
    }
    buf[o] = '\0';
}

/* A number for the data attributes: every digit, so tests compare exactly. */
static void add_num(rpt_buf *b, double v)
{
    if (isnan(v))
        rpt_buf_add(b, "nan", 3);
    else
        rpt_buf_printf(b, "%.17g", v);
}

void plot_series(plot_ctx *c, const char *series, size_t n, const double *x, const double *y)
{
    rpt_buf_add(&c->data, "<g class=\"phx-data\" data-series=\"", 33);
    rpt_buf_esc(&c->data, series);
    rpt_buf_add(&c->data, "\" data-x=\"", 10);
    for (size_t i = 0; x != NULL && i < n; i++) {
        if (i)
            rpt_buf_add(&c->data, " ", 1);
        add_num(&c->data, x[i]);
    }
    rpt_buf_add(&c->data, "\" data-y=\"", 10);
    for (size_t i = 0; i < n; i++) {
        if (i)
            rpt_buf_add(&c->data, " ", 1);
        add_num(&c->data, y[i]);
    }
    rpt_buf_add(&c->data, "\"></g>", 6);
}

void plot_value(plot_ctx *c, const char *name, double v)
{
    plot_series(c, name, 1, NULL, &v);
}

/* PLplot's SVG, made fit for a page: from <svg on, whitespace runs collapsed, clip ids made
 * unique, and after the opening tag the title, the font choice and the numbers. */
static char *finish_svg(const char *raw, size_t n, const plot_ctx *c)
{
    const char *s = strstr(raw, "<svg");
    rpt_buf b = { 0 };
    char id[32];
    int nid = snprintf(id, sizeof id, "phx%u-clip", ++plot_serial);
    int opened = 0;
    for (const char *p = s; p != NULL && p < raw + n; p++) {
        if (*p == '\n') {     /* a line break and its indentation: one space inside a tag */
            while (p + 1 < raw + n && p[1] == ' ')
                p++;
            if (b.len > 0 && b.s[b.len - 1] != '>' && b.s[b.len - 1] != ' ')
                rpt_buf_add(&b, " ", 1);
            continue;
        }
        if (strncmp(p, "text-clipping", 13) == 0) {
            rpt_buf_add(&b, id, (size_t)nid);
            p += 12;
            continue;
        }
        rpt_buf_add(&b, p, 1);
        if (*p == '>' && !opened) {
            opened = 1;
            rpt_buf_add(&b, "<title>", 7);
            rpt_buf_esc(&b, c->title);
            rpt_buf_add(&b, "</title>", 8);
            rpt_buf_add(&b, svg_style, sizeof svg_style - 1);
            if (c->data.len)
                rpt_buf_add(&b, c->data.s, c->data.len);
        }
    }
    return b.s;
}

int plot_render(const char *device, int width, int height, rpt_lang lang, plot_fn fn,
                const void *arg, char **svg, FILE *out, phx_err *e)
{
    char *raw = NULL;
    size_t n = 0;
    int is_svg = strcmp(device, "svg") == 0;
    FILE *fp = is_svg ? open_memstream(&raw, &n) : out;
    if (fp == NULL)
        return phx_fail(e, PHX_ERUN, NULL, 0, NULL, "cannot open a buffer for a chart");
    if (!is_svg)
        setenv("PLPLOT_FREETYPE_SANS_FAMILY", PLOT_CAIRO_FAMILY, 0);
    plot_ctx c = { .lang = lang, .width = width, .height = height };
    PLINT strm;
    plmkstrm(&strm);
    plsdev(device);
    plsfile(fp);              /* PLplot closes it in plend1 */
    plspage(0, 0, width, height, 0, 0);
    plscolbg(255, 255, 255);
    plinit();
    pladv(0);
    plsxax(6, 0);     /* plain numbers up to six digits before PLplot switches to (x10^k) */
    plsyax(7, 0);
    set_palette();
    plschr(3.3, 1.0);   /* mm, whatever the page size (PLplot scales its default with it) */
    fn(&c, arg);
    plend1();
    if (is_svg) {
        *svg = finish_svg(raw, n, &c);
        free(raw);
    }
    rpt_buf_free(&c.data);
    if (is_svg && *svg == NULL)
        return phx_fail(e, PHX_ERUN, NULL, 0, NULL, "PLplot wrote no SVG");
    return PHX_OK;
}

/* ---- drawing helpers ------------------------------------------------------------------------ */

void plot_panel(size_t k, size_t n, double l, double r, double b, double t)
{
    size_t cols = n > 1 ? 2 : 1, rows = (n + cols - 1) / cols;
    double w = 1.0 / (double)cols, h = 1.0 / (double)(rows ? rows : 1);
    double x0 = (double)(k % cols) * w, y1 = 1.0 - (double)(k / cols) * h;
    plvpor(x0 + l * w, x0 + r * w, y1 - h + b * h, y1 - h + t * h);
}

void plot_pad(double *lo, double *hi)
{
    if (!isfinite(*lo) || !isfinite(*hi)) {
        *lo = 0;
        *hi = 1;
    }
    double span = *hi - *lo;
    if (span <= 0) {
        span = fabs(*lo) > 0 ? fabs(*lo) * 0.2 : 1;
        *lo -= span / 2;
        *hi += span / 2;
        return;
    }
    *lo -= 0.06 * span;
    *hi += 0.06 * span;
}

void plot_range(const double *v, size_t n, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        *lo = v[i] < *lo ? v[i] : *lo;
        *hi = v[i] > *hi ? v[i] : *hi;
    }
    plot_pad(lo, hi);
}

void plot_frame(double x0, double x1, double y0, double y1, const char *xlab, const char *ylab,
                const char *title, int x_int)
{
    char a[512], b[512], t[512];
    plot_esc(xlab, a, sizeof a);
    plot_esc(ylab, b, sizeof b);
    plot_esc(title, t, sizeof t);
    plwind(x0, x1, y0, y1);
    double xt = x_int == 1 && x1 - x0 <= 16 ? 1 : 0;
    plot_color(PC_GRID);
    plbox(x_int == 2 ? "" : "g", xt, 0, "g", 0, 0);
    plot_color(PC_INK);
    plbox(x_int == 2 ? "bc" : "bcnst", xt, x_int == 1 ? 1 : 0, "bcnstv", 0, 0);
    pllab(a, "", t);
    plmtex("l", 5.4, 0.5, 0.5, b);   /* clear of tick labels of up to seven digits */
}

void plot_mtex(const char *side, double disp, double pos, double just, const char *s)
{
    char t[512];
    plot_esc(s, t, sizeof t);
    plmtex(side, disp, pos, just, t);
}

void plot_text(double x, double y, double just, const char *s)
{
    char t[512];
    plot_esc(s, t, sizeof t);
    plptex(x, y, 1, 0, just, t);
}

void plot_band(size_t n, const double *x, const double *lo, const double *hi, int pc)
{
    if (n < 2)
        return;
    PLFLT *px = phx_malloc(2 * n * sizeof *px), *py = phx_malloc(2 * n * sizeof *py);
    for (size_t i = 0; i < n; i++) {
        px[i] = x[i];
        py[i] = lo[i];
        px[2 * n - 1 - i] = x[i];
        py[2 * n - 1 - i] = hi[i];
    }
    plot_color(pc);
    plfill((PLINT)(2 * n), px, py);
    free(px);
    free(py);
}

void plot_line(size_t n, const double *x, const double *y, int pc, int style, double width)
{
    plot_color(pc);
    pllsty(style);
    plwidth(width);
    if (n == 1)
        plpoin(1, (PLFLT *)x, (PLFLT *)y, 17);
    else
        plline((PLINT)n, x, y);
    pllsty(1);
    plwidth(1);
}

void plot_rect(double x0, double x1, double y0, double y1, int pc)
{
    PLFLT px[4] = { x0, x1, x1, x0 }, py[4] = { y0, y0, y1, y1 };
    plot_color(pc);
    plfill(4, px, py);
}

void plot_whisker(double x, double lo, double hi, int horizontal, int pc)
{
    if (!isfinite(lo) || !isfinite(hi))
        return;
    PLFLT a = x, l = lo, h = hi;
    plot_color(pc);
    if (horizontal)
        plerrx(1, &l, &h, &a);
    else
        plerry(1, &a, &l, &h);
}

void plot_hframe(size_t n, const char *const *labels, double x0, double x1, const char *xlab,
                 const char *title)
{
    char a[512], tt[1024];
    plot_esc(xlab, a, sizeof a);
    plot_esc(title, tt, sizeof tt);
    PLFLT sx0, sx1, sy0, sy1;      /* the page in mm: margins of fixed size whatever its height */
    plgspa(&sx0, &sx1, &sy0, &sy1);
    double hmm = sy1 - sy0 > 1 ? sy1 - sy0 : 1, b = fmin(0.45, 27.0 / hmm), t = 1 - fmin(0.3, 11.0 / hmm);
    plvpor(0.02, 0.98, b, t);     /* the title over the whole width: labels take the left half */
    plot_color(PC_INK);
    plmtex("t", 1.5, 0.5, 0.5, tt);
    plvpor(0.50, 0.96, b, t);
    plwind(x0, x1, -0.6, (double)n - 0.4);
    plot_color(PC_GRID);
    plbox("g", 0, 0, "", 0, 0);
    plot_color(PC_INK);
    plbox("bcnst", 0, 0, "bc", 0, 0);
    pllab(a, "", "");
    for (size_t i = 0; i < n; i++) {
        char l[512];
        plot_esc(labels[i], l, sizeof l);
        plmtex("lv", 0.8, ((double)(n - 1 - i) + 0.6) / (double)(n ? n : 1), 1.0, l);
    }
}

void plot_labels(plot_ctx *c, const char *series, size_t n, const char *const *labels)
{
    rpt_buf_add(&c->data, "<g class=\"phx-data\" data-series=\"", 33);
    rpt_buf_esc(&c->data, series);
    rpt_buf_add(&c->data, "\" data-labels=\"", 15);
    for (size_t i = 0; i < n; i++) {
        if (i)
            rpt_buf_add(&c->data, "|", 1);
        rpt_buf_esc(&c->data, labels[i]);
    }
    rpt_buf_add(&c->data, "\"></g>", 6);
}

void plot_legend(size_t n, const char *const *text, const int *is_line, const int *pc,
                 const int *style)
{
    PLINT opt[8], col[8], lsty[8], tcol[8], pat[8];
    PLFLT lw[8], bs[8], blw[8];
    char esc[8][256];
    const char *t[8];
    n = n > 8 ? 8 : n;
    for (size_t i = 0; i < n; i++) {
        opt[i] = is_line[i] ? PL_LEGEND_LINE : PL_LEGEND_COLOR_BOX;
        col[i] = pc[i];
        lsty[i] = style != NULL ? style[i] : 1;
        tcol[i] = PC_INK;
        pat[i] = 0;
        lw[i] = 2;
        bs[i] = 0.8;
        blw[i] = 1;
        plot_esc(text[i], esc[i], sizeof esc[i]);
        t[i] = esc[i];
    }
    PLFLT w, h, vx0, vx1, vy0, vy1, sx0, sx1, sy0, sy1;
    plgvpd(&vx0, &vx1, &vy0, &vy1);   /* 14 mm below the axis, whatever the chart's height */
    plgspa(&sx0, &sx1, &sy0, &sy1);
    double vh = (vy1 - vy0) * (sy1 - sy0), off = vh > 1 ? 14.0 / vh : 0.14;
    plot_color(PC_INK);
    pllegend(&w, &h, 0, PL_POSITION_BOTTOM | PL_POSITION_OUTSIDE, 0, off, 0.05,
             PC_BG, PC_INK, 1, (PLINT)((n + 1) / 2), 2, (PLINT)n, opt, 0.8, 0.9, 1.5, 0, tcol, t, col, pat,
             bs, blw, col, lsty, lw, NULL, NULL, NULL, NULL);
}
