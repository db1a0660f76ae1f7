/*
 * sim/lib/mem.h — a space's memory on the sim (see mem.c).
 */
#ifndef EXO_SIM_LIB_MEM_H
#define EXO_SIM_LIB_MEM_H

#include "../common/wire.h"

/* The space joined: map physical memory as this space may, start its control thread. */
void exo_sim_mem_join(const struct sim_hello *hello, int memfd);
/* Apply install records; 0 or -1. */
int exo_sim_mem_install(const struct sim_install *r, uint32_t n);
void exo_sim_mem_after_fork(void);

#endif
