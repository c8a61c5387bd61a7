/* summary.c -- `phoenix summary FILE [--scenario S] [--year Y|all] [--metric M ...]
 * [--format table|csv|md|xlsx] [-o FILE.xlsx] [--force]`: parses and hands over to
 * output/summary.c. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../output/h5.h"
#include "cli.h"

#define SUMMARY_MAX_METRICS 256

/* --metric takes one or more names: its argument, following words that cannot be a file (no
 * '.' or '/'), and comma-separated lists. */
static int add_metrics(char *list, const char **m, size_t *n)
{
    for (char *w = strtok(list, ", "); w; w = strtok(NULL, ", ")) {
        if (*n == SUMMARY_MAX_METRICS)
            return cli_usage_error("--metric: at most %s metrics", "256");
        m[(*n)++] = w;
    }
    return PHX_OK;
}

static int parse_year(const char *arg, int *year)
{
    long y;
    if (strcmp(arg, "all") == 0)
        *year = H5_SUMMARY_ALL;
    else if (strcmp(arg, "last") == 0)
        *year = H5_SUMMARY_LAST;
    else if (phx_parse_long(arg, &y) || y < 1 || y > 9999)
        return cli_usage_error("--year '%s': expected a calendar year, last or all", arg);
    else
        *year = (int)y;
    return PHX_OK;
}

int cli_summary(int argc, char **argv)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' }, { "scenario", required_argument, NULL, 'S' },
        { "year", required_argument, NULL, 'y' },   { "metric", required_argument, NULL, 'm' },
        { "output", required_argument, NULL, 'o' }, { "force", no_argument, NULL, 'F' },
        { NULL, 0, NULL, 0 }
    };
    static const char *metrics[SUMMARY_MAX_METRICS];
    h5_summary_opts o = { .format = "table", .year = H5_SUMMARY_LAST };
    size_t n = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'f': o.format = optarg; break;
        case 'S': o.scenario = optarg; break;
        case 'o': o.output = optarg; break;
        case 'F': o.force = 1; break;
        case 'y':
            if (parse_year(optarg, &o.year))
                return PHX_EINPUT;
            break;
        case 'm':
            if (add_metrics(optarg, metrics, &n))
                return PHX_EINPUT;
            while (optind < argc && argv[optind][0] != '-' && !strpbrk(argv[optind], "./"))
                if (add_metrics(argv[optind++], metrics, &n))
                    return PHX_EINPUT;
            break;
        default: return cli_usage_error("%s: bad option", "summary");
        }
    }
    if (strcmp(o.format, "table") && strcmp(o.format, "csv") && strcmp(o.format, "md") &&
        strcmp(o.format, "xlsx"))
        return cli_usage_error("--format '%s': expected table, csv, md or xlsx", o.format);
    if (optind + 1 != argc)
        return cli_usage_error("summary takes one results file, got %s", optind == argc ? "none" : "several");
    if ((o.output != NULL) != (strcmp(o.format, "xlsx") == 0))
        return cli_usage_error("-o FILE.xlsx goes with --format xlsx%s", "");
    o.metrics = n ? metrics : NULL;
    o.n_metrics = n;
    phx_err e = { 0 };
    if (h5_summary_report(argv[optind], &o, stdout, &e))
        return cli_report(&e);
    if (o.output != NULL)
        fprintf(stderr, "phoenix: wrote %s\n", o.output);
    return PHX_OK;
}
