// OpenMPI's handles are macros Swift cannot import (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM,
// MPI_IN_PLACE, …): each is re-exported through a static inline function. The same Swift code
// would build against MPICH, whose handles are integers, by changing the pkg-config name.
#pragma once
#include <mpi.h>

static inline MPI_Comm     invscale_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype invscale_mpi_float(void)      { return MPI_FLOAT; }
static inline MPI_Datatype invscale_mpi_double(void)     { return MPI_DOUBLE; }
static inline MPI_Op       invscale_mpi_sum(void)        { return MPI_SUM; }
static inline MPI_Op       invscale_mpi_max(void)        { return MPI_MAX; }
static inline void *       invscale_mpi_in_place(void)   { return MPI_IN_PLACE; }
