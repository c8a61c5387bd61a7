/* h5read.c -- reading results files back: one metric of one scenario as a plain array. */
#include "h5.h"
#include "h5util.h"
#include "../engine/resources.h"

#include <stdlib.h>
#include <string.h>

int h5_read_metric(const char *path, const char *scenario_name, const char *metric,
                   double **values, size_t *n_rep, size_t *n_year, phx_err *e)
{
    hid_t f = -1, g = -1, mg = -1;
    size_t dims[2] = { 0, 0 };
    *values = NULL;
    *n_rep = *n_year = 0;
    int st = h5u_open_results(path, &f, e);
    if (st == PHX_OK)
        st = h5u_open_scenario(f, path, scenario_name, &g, e);
    if (st == PHX_OK && (mg = H5Gopen2(g, "metrics", H5P_DEFAULT)) < 0)
        st = h5u_damaged(e, path, "scenario %s: cannot open group metrics", scenario_name);
    if (st == PHX_OK) {
        int ex = strchr(metric, '/') == NULL && metric[0] != '\0' ? h5u_exists(mg, metric) : 0;
        if (ex < 0)
            st = h5u_damaged(e, path, "scenario %s: cannot look up metric %s", scenario_name, metric);
        else if (ex == 0 || strcmp(metric, "year") == 0 || strcmp(metric, "replication") == 0)
            st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "scenario %s has no metric '%s'",
                          scenario_name, metric);
    }
    if (st == PHX_OK)
        st = h5u_read_f64(mg, metric, 2, values, dims, path, e);
    if (st == PHX_OK) {
        *n_rep = dims[0];
        *n_year = dims[1];
    }
    h5u_close(mg);
    h5u_close(g);
    h5u_close(f);
    return st;
}

int h5_read_array(const char *path, const char *dataset, double **values, size_t dims[3],
                  int *rank, phx_err *e)
{
    hid_t f = -1, d = -1, sp = -1;
    hsize_t hd[3];
    *values = NULL;
    *rank = 0;
    int st = h5u_open_results(path, &f, e);
    if (st == PHX_OK) {
        htri_t ok = H5LTpath_valid(f, dataset, 1);
        if (ok < 0)
            st = h5u_damaged(e, path, "cannot look up %s", dataset);
        else if (ok == 0)
            st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "no dataset %s", dataset);
    }
    if (st == PHX_OK && ((d = H5Dopen2(f, dataset, H5P_DEFAULT)) < 0 || (sp = H5Dget_space(d)) < 0))
        st = h5u_damaged(e, path, "cannot open dataset %s", dataset);
    int r = st == PHX_OK ? H5Sget_simple_extent_ndims(sp) : 0;
    if (st == PHX_OK && (r < 1 || r > 3 || H5Sget_simple_extent_dims(sp, hd, NULL) < 0))
        st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "%s: not an array of rank 1 to 3", dataset);
    if (st == PHX_OK) {
        size_t total = 1;
        double bytes = sizeof **values;      /* in double: a damaged shape must not wrap around */
        for (int k = 0; k < r; k++) {
            total *= (dims[k] = (size_t)hd[k]);
            bytes *= (double)hd[k];
        }
        if (phx_memory_check(bytes, dataset, path, NULL, "is the file damaged?", e))
            st = e->status;
        else
            *values = phx_malloc(total * sizeof **values);
        if (st == PHX_OK && total > 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *values) < 0) {
            free(*values);
            *values = NULL;
            st = h5u_damaged(e, path, "cannot read %s as numbers", dataset);
        } else if (st == PHX_OK) {
            *rank = r;
        }
    }
    h5u_close(sp);
    h5u_close(d);
    h5u_close(f);
    return st;
}
