/*
 * tests/integration/procs.h — what the files of the `procs` test share
 * (see procs.c for how it runs and the rule for forked children).
 *
 *   procs_support.c     sleeping, reaping, handlers, timers, files, procs_child, ps
 *   procs_fork.c        fork and exit
 *   procs_exec.c        exec and its variants
 *   procs_wait.c        wait, zombies and orphans
 *   procs_server.c      hostile requests to the process server
 *   procs_signals.c     signal delivery, masks and dispositions
 *   procs_interrupts.c  calls interrupted by signals, and the timers
 *   procs_sessions.c    kill permission, groups, sessions, the terminal
 *
 * A case leaves the signal dispositions it changed at SIG_DFL and reaps
 * every child it made.
 */
#ifndef EXO_TEST_PROCS_H
#define EXO_TEST_PROCS_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#define MS 1000000L

/* The host path of procs_child (argv[1]), copied into Exo's /bin by install_child(). */
extern const char *child_host_path;

/* Set by count() and on_info(); a case clears what it reads. */
extern volatile sig_atomic_t hits;
extern volatile sig_atomic_t got_pid, got_uid, got_code, got_status, got_sig;

/* ---- helpers (procs_support.c) ---- */
void sleep_ms(long ms);
int wait_flag(volatile sig_atomic_t *flag, int want);    /* up to 10 s for *flag >= want */
int reap(pid_t pid);                                      /* its status */
void assert_exited(int st, int code);
void assert_killed(int st, int sig);
void set_handler(int sig, void (*h)(int), int flags);
void set_action(int sig, void (*h)(int, siginfo_t *, void *), int flags);
void set_default(int sig);
void arm_timer_ms(long ms);
void disarm_timer(void);
void write_file(const char *path, const void *data, size_t len, mode_t mode);
void count(int sig);                                      /* hits++ */
void on_info(int sig, siginfo_t *si, void *uc);           /* got_* = the siginfo, hits++ */
void install_child(void);
int run_child(char *const argv[], char *const envp[]);   /* fork, execve, reap */
char state_of(pid_t pid);                                 /* as exo_ps lists it, 0 = none */

/* ---- the cases, in the order procs.c runs them ---- */
void test_fork_returns_twice_with_distinct_pids(void **state);
void test_fork_shares_file_offsets(void **state);
void test_fork_copies_memory(void **state);
void test_exit_runs_atexit_and_flushes_stdio(void **state);
void test_exec_of_missing_nonexecutable_and_non_elf_files_fails(void **state);
void test_exec_runs_a_program_with_argv_and_envp(void **state);
void test_exec_closes_close_on_exec_descriptors(void **state);
void test_exec_of_a_script_runs_its_interpreter(void **state);
void test_exec_resets_caught_signals_and_keeps_ignored_ones(void **state);
void test_waitpid_nohang_is_zero_while_the_child_runs(void **state);
void test_waitpid_selects_by_pid_group_and_any(void **state);
void test_wait_without_children_is_echild(void **state);
void test_waitpid_reports_stop_and_continue(void **state);
void test_wait4_reports_rusage(void **state);
void test_the_process_server_refuses_hostile_requests(void **state);
void test_a_child_stays_a_zombie_until_waited_for(void **state);
void test_an_orphan_without_init_has_no_parent(void **state);
void test_a_fork_bomb_hits_the_process_limit(void **state);
void test_a_handler_runs_once_per_signal(void **state);
void test_sa_siginfo_carries_the_sender(void **state);
void test_a_blocked_signal_is_pending_until_unblocked(void **state);
void test_sa_resethand_runs_the_handler_once(void **state);
void test_sa_nodefer_lets_a_handler_be_interrupted_by_its_signal(void **state);
void test_sigkill_and_sigstop_cannot_be_caught_or_blocked(void **state);
void test_a_pipe_read_fails_with_eintr_without_sa_restart(void **state);
void test_a_pipe_read_restarts_with_sa_restart(void **state);
void test_a_pipe_write_fails_with_eintr_and_counts_nothing(void **state);
void test_sleep_and_nanosleep_are_interrupted(void **state);
void test_waitpid_is_interrupted(void **state);
void test_sigsuspend_and_pause_wait_for_a_signal(void **state);
void test_sigwait_and_sigtimedwait_take_pending_signals(void **state);
void test_alarm_and_interval_timers(void **state);
void test_sigchld_reports_the_exit(void **state);
void test_sa_nocldwait_leaves_no_zombies(void **state);
void test_kill_needs_permission(void **state);
void test_kill_and_killpg_signal_a_group(void **state);
void test_setpgid_setsid_and_getsid_rules(void **state);
void test_abort_kills_with_sigabrt(void **state);
void test_a_write_to_a_pipe_without_readers_raises_sigpipe(void **state);
void test_the_console_foreground_group(void **state);
void test_orphans_go_to_init_which_reaps_them(void **state);

#endif
