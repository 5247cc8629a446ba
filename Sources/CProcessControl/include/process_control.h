#ifndef INVSCALE_PROCESS_CONTROL_H
#define INVSCALE_PROCESS_CONTROL_H

/// Makes this process a child subreaper (Linux prctl PR_SET_CHILD_SUBREAPER): descendants
/// orphaned by their parent's death are reparented to it instead of to PID 1, so it can reap
/// them. prctl is variadic, which Swift cannot call. Returns 0, or -1 with errno set.
int invscale_become_subreaper(void);

#endif
