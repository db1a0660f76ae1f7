/*
 * tests/integration/boot_client.c — run by `exosim --boot ... --wait NAME
 * --exec boot_client NAME`: the boot must have waited for NAME, so a lookup
 * that does not wait finds it, and a call to it is answered.
 */
#include <stdio.h>

#include "support.h"

int main(int argc, char **argv)
{
	exo_tid_t srv;
	exo_msg_t m;
	exo_err err;

	exo_init_args(&argc, argv);
	if (argc < 2)
		return 2;
	err = exo_lookup(argv[1], &srv, EXO_TIMEOUT_ZERO);
	if (err != EXO_OK) {
		fprintf(stderr, "boot_client: %s is not registered: %s\n", argv[1], exo_strerror(err));
		return 1;
	}
	err = t_call(srv, ECHO_ECHO, 1234, 0, &m);
	if (err != EXO_OK || m.mr[0] != 1234) {
		fprintf(stderr, "boot_client: call: %s\n", exo_strerror(err));
		return 1;
	}
	printf("boot_client: %s answered\n", argv[1]);
	return 0;
}
