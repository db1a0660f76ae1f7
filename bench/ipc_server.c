/*
 * bench/ipc_server.c — the server side of bench/ipc.c: answer each call with
 * the same 64 bytes of registers.
 */
#include <exo/exo.h>

int main(int argc, char **argv)
{
	exo_tid_t to = EXO_NILTHREAD, from;
	exo_msg_t m = { 0 };

	exo_init_args(&argc, argv);
	if (exo_register("bench-ipc") != EXO_OK)
		return 1;
	for (;;) {
		if (exo_reply_wait(to, &m, EXO_TIMEOUT_NEVER, &from, NULL) != EXO_OK) {
			to = EXO_NILTHREAD;
			continue;
		}
		to = from;
	}
}
