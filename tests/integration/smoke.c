#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <exo/exo.h>

int main(int argc, char **argv)
{
	exo_init_args(&argc, argv);
	if (argc > 1 && strcmp(argv[1], "server") == 0) {
		exo_msg_t m = {0};
		exo_tid_t from = 0, to = EXO_NILTHREAD;
		char buf[256];
		exo_err e = exo_register("echo");
		printf("server %x register %s\n", exo_myself(), exo_strerror(e));
		fflush(stdout);
		for (;;) {
			m.nbr = 0; exo_msg_accept_string(&m, buf, sizeof buf);
			e = exo_reply_wait(to, &m, EXO_TIMEOUT_NEVER, &from, NULL);
			if (e) { printf("server: %s\n", exo_strerror(e)); return 1; }
			m.tag = exo_tag(exo_tag_label(m.tag) + 1, exo_tag_untyped(m.tag), exo_tag_typed(m.tag));
			to = from;
		}
	}
	exo_tid_t srv;
	exo_err e = exo_lookup("echo", &srv, exo_timeout_ms(5000));
	printf("lookup %s %x\n", exo_strerror(e), srv);
	for (int i = 0; i < 3; i++) {
		exo_msg_t m = {0};
		char rb[64];
		m.tag = exo_tag(7, 1, 2);
		m.mr[0] = i;
		exo_msg_put_string(&m, 1, "hello", 6);
		exo_msg_accept_string(&m, rb, sizeof rb);
		e = exo_call(srv, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER);
		printf("call %s label %u mr0 %lu str %s\n", exo_strerror(e), exo_tag_label(m.tag), (unsigned long)m.mr[0], (char*)(uintptr_t)m.mr[2]);
	}
	exo_kinfo_t ki; exo_kernel_info(&ki);
	printf("threads %u spaces %u names %u ipc %lu\n", ki.threads, ki.spaces, ki.names, (unsigned long)ki.ipc_count);
	return 0;
}
