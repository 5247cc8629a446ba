#include "process_control.h"
#include <malloc.h>
#include <sys/prctl.h>

int invscale_become_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int invscale_fix_allocator_thresholds(int mmap_threshold, int trim_threshold) {
    int ok = mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    return ok && mallopt(M_TRIM_THRESHOLD, trim_threshold) ? 0 : -1;
}
