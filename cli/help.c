/* help.c -- every command's usage: one row per command (its synopsis for `phoenix --help`, its
 * options for `phoenix CMD --help`, `phoenix CMD -h` and `phoenix help CMD`). A new command adds
 * one row to `commands`. */
#include <stdio.h>
#include <string.h>

#include "../output/report.h"
#include "cli.h"

#define RUN_OPTIONS                                                                              \
    "run options (run, sweep, fund, sensitivity):\n"                                             \
    "  -o, --output FILE        results file (each command names its default)\n"                 \
    "  -n, --replications N     replications (integral notation or e.g. 1e4)\n"                  \
    "  --seed S                 seed of every random stream\n"                                   \
    "  --threads N              OpenMP threads (more than the cores: a warning)\n"               \
    "  --sampler mc|lhs|sobol   how parameter distributions are sampled\n"                       \
    "  --set section.key=value  override a key (renames the scenario: docs/scenarios.md)\n"      \
    "  --set NAME:section.key=value   override it in the scenario NAME only\n"                   \
    "  --firms FILE.csv         the firm table (else synthetic)\n"                               \
    "  --csv-delimiter auto|comma|tab|semicolon, --encoding auto|utf-8|gb18030|utf-16\n"          \
    "  --block B                replications per block handed to the writer\n"                   \
    "  --force                  overwrite an existing output file\n"                             \
    "  --quiet                  no progress, no closing line, no summary\n"                      \
    "Progress goes to stderr: a bar on a terminal, else a line every 10% or 30 s; every run\n"    \
    "ends with a line of wall time, replications/s and (where the model reports them)\n"          \
    "entity-years/s.\n"

static void plot_more(FILE *f)
{
    fprintf(f, "charts:\n%s", plot_charts);
}

static const cli_command commands[] = {
    { "run",
      "  phoenix run SCENARIO.ini [MORE.ini ...] [-o FILE] [-n REPS] [--seed S] [--threads N]\n"
      "              [--sampler mc|lhs|sobol] [--set [NAME:]section.key=value ...] [--firms FILE.csv]\n"
      "              [--precision REL [--batch B] [--max-replications N]] [--block B] [--force] [--quiet]\n"
      "              [--posterior post.h5] [--resume]\n"
      "      Several scenarios run on the same replications (common random numbers); each is\n"
      "      compared with the first (paired differences, P(better)). --posterior draws each\n"
      "      replication's calibrated parameters from a `phoenix calibrate` posterior.\n",
      "options of run:\n"
      "  --posterior FILE.h5      parameters from the weighted posterior in FILE's /calibration\n"
      "  --resume                 continue a killed run of one scenario from its last checkpoint\n"
      "                           (FILE.tmp.resume, every 64 blocks or 30 s): the same file as an\n"
      "                           uninterrupted run\n"
      "  --precision REL          run batches until every target metric's mean is known to REL\n"
      "  --batch B                replications per batch (default 1000)\n"
      "  --max-replications N     stop there if the precision is not reached (default 1e6)\n"
      "default output: results.h5\n" RUN_OPTIONS, NULL },
    { "sweep",
      "  phoenix sweep SCENARIO.ini --vary section.key=v1,v2,... [--vary ...] [run options]\n"
      "      Runs the full grid of lever values, paired, and prints a table of the grid.\n"
      "      Under mpirun (MPI build: make MPI=1), run and sweep split the replications across\n"
      "      the ranks, each with --threads threads; the results are the same.\n",
      "options of sweep:\n"
      "  --vary section.key=v1,v2,...   a lever and its values (at most 8 levers; the grid is\n"
      "                                 their product; point names are <scenario>@NNN)\n"
      "default output: sweep.h5\n" RUN_OPTIONS, NULL },
    { "fund",
      "  phoenix fund SCENARIO.ini --confidence Q [--solve rate|capital] [--require METRIC ...]\n"
      "              [--format table|csv] [run options]\n"
      "      The fund's contribution rate (or initial capital) that keeps it solvent, or with\n"
      "      --require reaches those targets, with probability >= Q; writes /fund (default fund.h5).\n",
      "options of fund:\n"
      "  --confidence Q           the probability in (0, 1) to reach\n"
      "  --solve WORD             the lever the model offers (tlhn: rate, capital)\n"
      "  --require METRIC         size for this target of the scenario (repeatable)\n"
      "  --format table|csv       the report's format\n"
      "default output: fund.h5\n" RUN_OPTIONS, NULL },
    { "sensitivity",
      "  phoenix sensitivity SCENARIO.ini [--method sobol|morris|tornado] [-N BASE]\n"
      "              [--factor section.key=DIST ...] [--group NAME=key,key ...] [--metric M ...]\n"
      "              [--year Y] [--second-order] [--bootstrap B] [--levels P]\n"
      "              [--format table|csv|md] [run options]\n"
      "      Which of the scenario's distribution-valued keys drive each metric, and how much is\n"
      "      the model's own chance: Sobol' indices (default), Morris screening or a tornado;\n"
      "      writes /sensitivity/<method> (default sensitivity.h5). docs/sensitivity.md.\n",
      "options of sensitivity:\n"
      "  --method sobol|morris|tornado   the analysis (default sobol)\n"
      "  -N BASE                  base sample size (Sobol') or trajectories (Morris)\n"
      "  --factor section.key=DIST     make a key a factor with this distribution\n"
      "  --group NAME=key,key     analyse keys together as one factor\n"
      "  --metric M, --year Y     which metrics and which year (default: targets, last year)\n"
      "  --second-order, --bootstrap B, --levels P   Sobol' S2, intervals, Morris levels\n"
      "  --format table|csv|md    the report's format\n"
      "default output: sensitivity.h5\n" RUN_OPTIONS, NULL },
    { "calibrate",
      "  phoenix calibrate SCENARIO.ini --observed FILE.csv [--particles N] [--generations G]\n"
      "              [--tolerance-final E] [--quantile A] [--min-acceptance R] [-o post.h5] [run options]\n"
      "      ABC-SMC (Beaumont et al. 2009, adaptive tolerances) of the scenario's distributions\n"
      "      against observations (CSV metric,year,value,sd,source); writes /calibration and a\n"
      "      posterior predictive run (default posterior.h5). docs/forecast.md.\n",
      "options of calibrate:\n"
      "  --observed FILE.csv      the observations: metric,year,value,sd,source (required)\n"
      "  --particles N            particles per generation\n"
      "  --generations G          at most G generations\n"
      "  --tolerance-final E      stop once the tolerance is at or below E\n"
      "  --quantile A             each tolerance: the A-quantile of the last distances\n"
      "  --min-acceptance R       stop when a generation's acceptance rate falls below R\n"
      "default output: posterior.h5\n" RUN_OPTIONS, NULL },
    { "seek",
      "  phoenix seek SCENARIO.ini --lever KEY --target METRIC[=VALUE] --confidence Q\n"
      "              [--range A:B] [--format table|csv] [run options]\n"
      "      The smallest (or largest) value of KEY in [A, B] (default: its bounds) at which METRIC\n"
      "      meets its target in the last year with P >= Q, with its 95% interval, on common random\n"
      "      numbers; says when it is out of reach and which constraint binds.\n",
      "options of seek:\n"
      "  --lever KEY              the scenario key to move (a number)\n"
      "  --target METRIC[=VALUE]  the target metric (VALUE: instead of the scenario's target)\n"
      "  --confidence Q           the probability in (0, 1) to reach\n"
      "  --range A:B              the lever's range (default: its bounds)\n"
      "  --format table|csv       csv: lever,value,lower,upper,p_target,confidence\n"
      "seek writes no results file (-o is refused).\n" RUN_OPTIONS, NULL },
    { "summary",
      "  phoenix summary FILE.h5 [--scenario S] [--year Y|all] [--metric M ...]\n"
      "              [--format table|csv|md|xlsx] [-o FILE.xlsx] [--force]\n"
      "      Targets first, every metric's paired comparison; CSV rows carry the comparison.\n",
      "options of summary:\n"
      "  --scenario S             only this scenario\n"
      "  --year Y|all|last        the year (default: the last)\n"
      "  --metric M               only these metrics (repeatable)\n"
      "  --format table|csv|md|xlsx   the report's format (xlsx needs -o FILE.xlsx)\n"
      "  -o FILE.xlsx, --force    the workbook and whether to overwrite it\n", NULL },
    { "compare",
      "  phoenix compare A.h5 B.h5 [--a NAME] [--b NAME] [--year Y|all] [--format table|csv]\n"
      "      Scenario b of B.h5 against scenario a of A.h5 (default: each file's first), paired\n"
      "      replication by replication; refused (exit 2, with the reason) unless both ran the\n"
      "      same model, years, seed, random streams and replication count.\n",
      "options of compare:\n"
      "  --a NAME, --b NAME       the scenario of each file (default: its first)\n"
      "  --year Y|all             the year (default: the last)\n"
      "  --format table|csv       the report's format\n", NULL },
    { "report",
      "  phoenix report FILE.h5 [-o report.html] [--lang zh|en|both] [--force]\n"
      "      One self-contained HTML page of the file: provenance, targets, fan charts, districts,\n"
      "      comparisons, sweep, fund, sensitivity (charts inline as SVG; prints well).\n",
      "options of report:\n"
      "  -o, --output FILE        the page (default report.html)\n"
      "  --lang zh|en|both        the page's language (default both)\n"
      "  --force                  overwrite an existing page\n", NULL },
    { "plot",
      "  phoenix plot FILE.h5 CHART [--metric M] [--scenario S] [--lever KEY] [-o CHART.svg|png|pdf]\n"
      "      Any one chart of the report as a file (phoenix plot --help lists the charts).\n",
      "options of plot:\n"
      "  --metric M, --scenario S, --lever KEY   what the chart shows\n"
      "  -o, --output FILE        the chart; its extension picks the format (svg, png, pdf)\n"
      "  --lang zh|en|both, --force\n", plot_more },
    { "synth",
      "  phoenix synth [SCENARIO.ini] -o FIRMS.csv [--set section.key=value ...] [--force]\n"
      "              [--firms TABLE.csv [--csv-delimiter auto|comma|tab|semicolon]\n"
      "               [--encoding auto|utf-8|gb18030|utf-16]]\n"
      "      Writes the synthetic firm table, or (--firms) a table read as run reads it, as\n"
      "      plain UTF-8 CSV. --csv-delimiter and --encoding also apply to run, sweep and fund.\n",
      "options of synth:\n"
      "  -o, --output FILE.csv    the table to write (required)\n"
      "  --set section.key=value  override a key of the scenario (or of the defaults)\n"
      "  --firms TABLE.csv        read this table instead of drawing the synthetic one\n"
      "  --force                  overwrite an existing table\n", NULL },
    { "params",
      "  phoenix params [MODEL] [--format table|md]\n"
      "      The models, or one model's parameters (scenario keys) and metrics.\n",
      "options of params:\n"
      "  --format table|md        a table, or the Markdown of docs/scenarios.md\n", NULL },
    { "help",
      "  phoenix help [COMMAND] | phoenix COMMAND --help | phoenix --help | --version\n",
      "Prints the usage of every command, or of one.\n", NULL },
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

const cli_command *cli_command_find(const char *name)
{
    for (size_t i = 0; name != NULL && i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

void cli_help_all(FILE *f)
{
    fputs("usage:\n", f);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fputs(commands[i].synopsis, f);
    fputs("\nExit status: 0 success, 1 runtime failure, 2 usage or input error.\n"
          "phoenix help COMMAND (or phoenix COMMAND --help) shows a command's options.\n"
          "Documentation: README.md, docs/scenarios.md, docs/model.md, docs/output.md.\n", f);
}

void cli_help_one(const cli_command *c, FILE *f)
{
    fprintf(f, "usage:\n%s\n%s", c->synopsis, c->options);
    if (c->more)
        c->more(f);
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    }
    return 0;
}
