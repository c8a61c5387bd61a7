/* compare.c -- `phoenix compare A.h5 B.h5 [--a NAME] [--b NAME] [--year Y|all]
 * [--format table|csv]`: parses and hands over to output/compare_files.c. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../output/h5.h"
#include "cli.h"

int cli_compare(int argc, char **argv)
{
    static const struct option opts[] = {
        { "a", required_argument, NULL, 'a' }, { "b", required_argument, NULL, 'b' },
        { "year", required_argument, NULL, 'y' }, { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    h5_compare_opts o = { .year = H5_SUMMARY_LAST, .format = "table" };
    int c;
    long y;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'a': o.a = optarg; break;
        case 'b': o.b = optarg; break;
        case 'f':
            if (strcmp(optarg, "table") && strcmp(optarg, "csv"))
                return cli_usage_error("--format '%s': expected table or csv", optarg);
            o.format = optarg;
            break;
        case 'y':
            if (strcmp(optarg, "all") == 0)
                o.year = H5_SUMMARY_ALL;
            else if (strcmp(optarg, "last") == 0)
                o.year = H5_SUMMARY_LAST;
            else if (phx_parse_long(optarg, &y) || y < 1 || y > 9999)
                return cli_usage_error("--year '%s': expected a calendar year, last or all", optarg);
            else
                o.year = (int)y;
            break;
        default: return cli_usage_error("%s: bad option", "compare");
        }
    }
    if (optind + 2 != argc)
        return cli_usage_error("compare takes two results files A.h5 B.h5%s", "");
    phx_err e = { 0 };
    if (h5_compare_files(argv[optind], argv[optind + 1], &o, stdout, &e))
        return cli_report(&e);
    return PHX_OK;
}
