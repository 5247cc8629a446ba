#ifndef INVSCALE_PROCESS_CONTROL_H
#define INVSCALE_PROCESS_CONTROL_H

/// Makes this process a child subreaper (Linux prctl PR_SET_CHILD_SUBREAPER): descendants
/// orphaned by their parent's death are reparented to it instead of to PID 1, so it can reap
/// them. prctl is variadic, which Swift cannot call. Returns 0, or -1 with errno set.
int invscale_become_subreaper(void);

/// Fixes glibc's malloc thresholds (mallopt M_MMAP_THRESHOLD and M_TRIM_THRESHOLD): blocks of at
/// least `mmap_threshold` bytes are mapped on their own and unmapped when freed, and free memory at
/// the heap's top above `trim_threshold` bytes is returned. Setting them turns off glibc's dynamic
/// threshold, which otherwise rises with every large block freed (up to 32 MiB) and leaves later
/// blocks of that size in the heap, so that a process's resident memory depended on the order of
/// its past allocations. Returns 0, or -1 when mallopt refused a value.
int invscale_fix_allocator_thresholds(int mmap_threshold, int trim_threshold);

#endif
