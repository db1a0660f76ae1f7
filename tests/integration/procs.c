/*
 * tests/integration/procs.c — processes and signals through libposix and
 * the process server, on a booted system (proc.boot: console, memory,
 * VFS, scheduler, proc). Run as
 *   exosim --cpu auto --boot proc.boot --exec procs PROCS_CHILD
 * where PROCS_CHILD is the host path of procs_child, which the test copies
 * into Exo's /bin to exec it from there.
 *
 * The test itself is a process the process server adopted: no parent and,
 * until the last test makes one, no init. A forked child never returns into
 * CMocka: it checks what it must and _exits with a code naming the first
 * failed check, and the parent asserts on the status.
 *
 * Time assertions are lower bounds only; waits for asynchronous signals
 * poll with a generous limit.
 *
 * The cases by behaviour (procs.h lists the files): procs_fork.c,
 * procs_exec.c, procs_wait.c, procs_server.c, procs_signals.c,
 * procs_interrupts.c, procs_sessions.c; their helpers in procs_support.c.
 * This file runs them in order.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "procs.h"

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_returns_twice_with_distinct_pids),
		cmocka_unit_test(test_fork_shares_file_offsets),
		cmocka_unit_test(test_fork_copies_memory),
		cmocka_unit_test(test_exit_runs_atexit_and_flushes_stdio),
		cmocka_unit_test(test_exec_of_missing_nonexecutable_and_non_elf_files_fails),
		cmocka_unit_test(test_exec_runs_a_program_with_argv_and_envp),
		cmocka_unit_test(test_exec_closes_close_on_exec_descriptors),
		cmocka_unit_test(test_exec_of_a_script_runs_its_interpreter),
		cmocka_unit_test(test_exec_resets_caught_signals_and_keeps_ignored_ones),
		cmocka_unit_test(test_waitpid_nohang_is_zero_while_the_child_runs),
		cmocka_unit_test(test_waitpid_selects_by_pid_group_and_any),
		cmocka_unit_test(test_wait_without_children_is_echild),
		cmocka_unit_test(test_waitpid_reports_stop_and_continue),
		cmocka_unit_test(test_wait4_reports_rusage),
		cmocka_unit_test(test_the_process_server_refuses_hostile_requests),
		cmocka_unit_test(test_a_child_stays_a_zombie_until_waited_for),
		cmocka_unit_test(test_an_orphan_without_init_has_no_parent),
		cmocka_unit_test(test_a_fork_bomb_hits_the_process_limit),
		cmocka_unit_test(test_a_handler_runs_once_per_signal),
		cmocka_unit_test(test_sa_siginfo_carries_the_sender),
		cmocka_unit_test(test_a_blocked_signal_is_pending_until_unblocked),
		cmocka_unit_test(test_sa_resethand_runs_the_handler_once),
		cmocka_unit_test(test_sa_nodefer_lets_a_handler_be_interrupted_by_its_signal),
		cmocka_unit_test(test_sigkill_and_sigstop_cannot_be_caught_or_blocked),
		cmocka_unit_test(test_a_pipe_read_fails_with_eintr_without_sa_restart),
		cmocka_unit_test(test_a_pipe_read_restarts_with_sa_restart),
		cmocka_unit_test(test_a_pipe_write_fails_with_eintr_and_counts_nothing),
		cmocka_unit_test(test_sleep_and_nanosleep_are_interrupted),
		cmocka_unit_test(test_waitpid_is_interrupted),
		cmocka_unit_test(test_sigsuspend_and_pause_wait_for_a_signal),
		cmocka_unit_test(test_sigwait_and_sigtimedwait_take_pending_signals),
		cmocka_unit_test(test_alarm_and_interval_timers),
		cmocka_unit_test(test_sigchld_reports_the_exit),
		cmocka_unit_test(test_sa_nocldwait_leaves_no_zombies),
		cmocka_unit_test(test_kill_needs_permission),
		cmocka_unit_test(test_kill_and_killpg_signal_a_group),
		cmocka_unit_test(test_setpgid_setsid_and_getsid_rules),
		cmocka_unit_test(test_abort_kills_with_sigabrt),
		cmocka_unit_test(test_a_write_to_a_pipe_without_readers_raises_sigpipe),
		cmocka_unit_test(test_the_console_foreground_group),
		cmocka_unit_test(test_orphans_go_to_init_which_reaps_them),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: procs PROCS_CHILD\n");
		return 2;
	}
	child_host_path = argv[1];
	mkdir("/tmp", 01777);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
