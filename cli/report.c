/* report.c -- `phoenix report FILE.h5` (one self-contained HTML page) and `phoenix plot FILE.h5
 * CHART` (one chart as SVG, PNG or PDF): parse the arguments, call output/, print. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../output/report.h"
#include "cli.h"

static const char plot_usage[] =
    "usage: phoenix plot FILE.h5 CHART [--metric M] [--scenario S] [--lever KEY]\n"
    "                    [-o CHART.svg|png|pdf] [--lang zh|en|both] [--force]\n"
    "charts:\n";

/* Options shared by report and plot; 1 handled, 0 not one of them, -1 after an error. */
static int common_option(int c, const char *arg, const char **out, const char **lang, int *force)
{
    switch (c) {
    case 'o': *out = arg; return 1;
    case 'l': *lang = arg; return 1;
    case 'F': *force = 1; return 1;
    }
    return 0;
}

int cli_report_html(int argc, char **argv)
{
    static const struct option opts[] = { { "output", required_argument, NULL, 'o' },
                                          { "lang", required_argument, NULL, 'l' },
                                          { "force", no_argument, NULL, 'F' },
                                          { NULL, 0, NULL, 0 } };
    const char *out = "report.html", *lang_s = "both";
    int force = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
        if (common_option(c, optarg, &out, &lang_s, &force) != 1)
            return cli_usage_error("%s: bad option", "report");
    if (optind + 1 != argc)
        return cli_usage_error("report takes one results file, got %s", optind == argc ? "none" : "several");
    phx_err e = { 0 };
    rpt_lang lang;
    if (rpt_lang_parse(lang_s, &lang, &e) || report_write(argv[optind], out, lang, force, &e))
        return cli_report(&e);
    fprintf(stderr, "phoenix: wrote the report of %s to %s\n", argv[optind], out);
    return PHX_OK;
}

int cli_plot(int argc, char **argv)
{
    static const struct option opts[] = { { "output", required_argument, NULL, 'o' },
                                          { "lang", required_argument, NULL, 'l' },
                                          { "force", no_argument, NULL, 'F' },
                                          { "metric", required_argument, NULL, 'M' },
                                          { "scenario", required_argument, NULL, 'c' },
                                          { "lever", required_argument, NULL, 'v' },
                                          { "help", no_argument, NULL, 'h' },
                                          { NULL, 0, NULL, 0 } };
    const char *out = NULL, *lang_s = "both";
    plot_request rq = { 0 };
    int force = 0, c, r;
    char def[300];
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        if ((r = common_option(c, optarg, &out, &lang_s, &force)) == 1)
            continue;
        if (c == 'M')
            rq.metric = optarg;
        else if (c == 'c')
            rq.scenario = optarg;
        else if (c == 'v')
            rq.lever = optarg;
        else if (c == 'h') {
            printf("%s%s", plot_usage, plot_charts);
            return PHX_OK;
        } else
            return cli_usage_error("%s: bad option", "plot");
    }
    if (optind + 2 != argc)
        return cli_usage_error("plot takes a results file and a chart name%s (phoenix plot --help "
                               "lists the charts)", "");
    rq.chart = argv[optind + 1];
    if (out == NULL) {
        snprintf(def, sizeof def, "%s.svg", rq.chart);
        out = def;
    }
    phx_err e = { 0 };
    rpt_lang lang;
    if (rpt_lang_parse(lang_s, &lang, &e) || plot_write(argv[optind], &rq, out, lang, force, &e))
        return cli_report(&e);
    fprintf(stderr, "phoenix: wrote chart %s of %s to %s\n", rq.chart, argv[optind], out);
    return PHX_OK;
}
