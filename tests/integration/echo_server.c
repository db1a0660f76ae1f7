/*
 * tests/integration/echo_server.c — the echo server as a program of its own,
 * for boot lists and for starting by hand: echo_server [--exo-socket PATH] [NAME]
 */
#include "support.h"

int main(int argc, char **argv)
{
	exo_init_args(&argc, argv);
	t_echo_serve(argc > 1 ? argv[1] : "echo");
}
