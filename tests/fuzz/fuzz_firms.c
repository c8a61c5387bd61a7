/* fuzz_firms.c -- libFuzzer harness of the firm-table reader (models/tlhn/csv.c): the input is a
 * CSV file, read with detection and with each explicit encoding. A table read must be whole
 * (n > 0); a refusal must say why. */
#include <stdint.h>
#include "fuzz_util.h"
#include "../../models/tlhn/firms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(0, "firms.csv", data, size);
    static const char *const enc[] = { NULL, "gb18030", "utf-16" };
    for (int k = 0; k < 3; k++) {
        phx_err e = { 0 };
        tlhn_csv_opts o = { NULL, enc[k] };
        tlhn_firms *f = tlhn_firms_read_csv_opts(path, &o, &e);
        if (f == NULL && e.msg[0] == '\0')
            abort();
        tlhn_firms_free(f);
    }
    return 0;
}
