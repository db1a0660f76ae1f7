/*
 * tests/integration/echo_server.c — the echo server as a program of its own,
 * for boot lists and for starting by hand: echo_server [--exo-socket PATH] [NAME]
 * (registered as NAME-wrapped when $EXO_WRAP_MARK is set, to test wrappers)
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	char name[EXO_NAME_MAX + 1];

	exo_init_args(&argc, argv);
	/* Under a boot-list wrapper that sets EXO_WRAP_MARK, say so in the name. */
	snprintf(name, sizeof(name), "%s%s", argc > 1 ? argv[1] : "echo",
		 getenv("EXO_WRAP_MARK") ? "-wrapped" : "");
	t_echo_serve(name);
}
