/* xlsx.c -- the summary as an Excel workbook (libxlsxwriter). */
#include "sum.h"

int sum_write_xlsx(const sum_file *f, const sum_select *o, const char *h5path, const char *path,
                   int force, phx_err *e)
{
    return phx_fail(e, PHX_ERUN, NULL, 0, NULL, "xlsx: not yet");
}
