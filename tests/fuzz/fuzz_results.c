/* fuzz_results.c -- libFuzzer harness of the results reader: the input is written as an HDF5
 * file and given to `phoenix summary`'s reader (h5_summary_print) and the sweep printer. Seeds are
 * small real results files, so the fuzzer mutates real structure. libhdf5 itself may loop on some
 * corrupt files (issue 16 item 5): `make fuzz` runs this harness with -timeout. */
#include <stdint.h>
#include <hdf5.h>
#include "fuzz_util.h"
#include "../../output/h5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    if (!quiet) {
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);     /* libhdf5's own error stack: not ours */
        quiet = 1;
    }
    const char *path = fuzz_file(0, "results.h5", data, size);
    FILE *out = fopen("/dev/null", "w");
    if (out == NULL)
        abort();
    static const char *const fmt[] = { "table", "csv" };
    for (int k = 0; k < 2; k++) {
        phx_err e = { 0 };
        if (h5_summary_print(path, fmt[k], out, &e) != 0 && e.msg[0] == '\0')
            abort();
    }
    phx_err e = { 0 };
    if (h5_sweep_print(path, "table", out, &e) != 0 && e.msg[0] == '\0')
        abort();
    fclose(out);
    return 0;
}
