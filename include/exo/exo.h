/* exo/exo.h — the whole kernel ABI in one include. */
#ifndef EXO_EXO_H
#define EXO_EXO_H

#include <exo/futex.h>
#include <exo/ipc.h>
#include <exo/msg.h>
#include <exo/types.h>

#endif
