/*
 * tests/integration/hostile.h — what the files of the `hostile` test share
 * (see hostile.c for what the test does and why its sockets are the host's).
 *
 *   hostile_support.c  raw connections and frames, the victim, the kernel's counters
 *   hostile_frames.c   frames the kernel must refuse by their size, op or items
 *   hostile_threads.c  HELLO, thread ids and forged headers
 *   hostile_load.c     silent, storming and flooding clients
 *   hostile.c          the group: the victim's start, the order of the cases
 *
 * Every case ends with case_end(): no raw connection left open, the kernel's
 * counters back at `base`, and a round trip to the victim still served.
 */
#ifndef EXO_TEST_HOSTILE_H
#define EXO_TEST_HOSTILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <exo/exo.h>

#include "../../sim/common/wire.h"

#define VICTIM "victim"
#define ECHO_LABEL 0x4543u     /* the label of a well-behaved round trip */
#define RAW_TIMEOUT_S 20       /* a raw recv that waits longer fails the case */
#define SETTLE_MS 5000         /* how long the kernel may take to clean up */
#define HDR sizeof(struct sim_hdr)
#define MAX_RAW 64             /* raw connections open at once */
#define MAX_SLOTS 8            /* THREAD_NEW slots tracked for a failed case to drop */

/* A string item's first word; a macro so that tables of frames may use it. */
#define STRING_ITEM(len) (EXO_ITEM_STRING | ((uint64_t)(len) << 32))

/* The victim's reply: tag (label seen, VR_WORDS, 0) and these registers. */
enum { VR_FROM, VR_FLAGS, VR_LABEL, VR_MR0, VR_STRBYTES, VR_WORDS };

/* Set up once by the group (hostile.c), read by every case. */
extern pid_t victim_pid;
extern exo_tid_t victim;       /* the victim's thread */
extern exo_tid_t me;           /* this process's libexo thread */
extern exo_kinfo_t base;       /* the kernel's counters with only the two of us */
extern const char *sock_path;

/* The last frame received, and the frame being built. */
extern unsigned char rx[SIM_FRAME_MAX + 4096];
extern unsigned char tx[512 * 1024];

/* ---- raw connections (hostile_support.c) ---- */
void raw_close(int fd);
void raw_close_all(void);
int raw_connect_untracked(void);
int raw_connect(void);                 /* tracked: a failed case closes it */
void raw_send(int fd, const void *buf, size_t len);
ssize_t raw_recv(int fd);              /* into rx: length, 0 = closed, -1 = timeout */
const struct sim_hdr *rx_hdr(void);
exo_err raw_result(int fd, const char *what);
const uint64_t *raw_msg(int fd, const char *what);
void raw_sync_blocked(int fd);
exo_err raw_hello(int fd, exo_tid_t tid, exo_tid_t *bound);
int raw_thread(exo_tid_t *tid);        /* a connection bound to a new thread */
exo_tid_t raw_thread_new(int fd);
void slot_done(exo_tid_t tid);
void drop_open_slots(void);

/* ---- frames and answers ---- */
struct sim_hdr req(uint16_t op, exo_tid_t tid);
size_t msg_frame(uint16_t op, exo_tid_t to, exo_tag_t tag, const uint64_t *mr, size_t words,
		 size_t nbytes);
uint64_t string_item(uint32_t len);
void expect(int fd, const void *buf, size_t len, exo_err want, const char *what);
void expect_note(int fd, const void *buf, size_t len, exo_err want, const char *what);
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * One message frame and the answer it must get: a row of the frame tables.
 * The registers not named are 0; the string bytes are 0x5a each.
 */
struct frame_case {
	const char *what;
	uint16_t op;
	exo_tid_t to;
	unsigned u, t;         /* what the tag claims (label 1) */
	uint64_t mr[20];
	size_t words;          /* registers present in the frame */
	size_t nbytes;         /* string bytes present */
	exo_err want;
};

/* Send each row on fd and require its answer; the rows' what prefixed by `prefix` if not NULL. */
void expect_frames(int fd, const struct frame_case *rows, size_t n, const char *prefix);

/* ---- the well-behaved side and the kernel's counters ---- */
_Noreturn void victim_main(void);
void echo_round_trip(void);
void kinfo(exo_kinfo_t *ki);
void expect_counts(const exo_kinfo_t *want, const char *after);
void expect_base(const char *after);
void case_end(const char *name);
int in_child(int (*fn)(void *), void *arg);

/* ---- the cases, in hostile_frames.c, hostile_threads.c, hostile_load.c ---- */
void truncated_frames_get_eproto(void **state);
void oversized_frames_get_emsgsize(void **state);
void unknown_operations_get_enosys(void **state);
void operations_before_hello_get_eproto(void **state);
void second_hello_gets_eproto(void **state);
void hello_with_a_foreign_tid_is_refused(void **state);
void bad_typed_items_get_ebaditem(void **state);
void forged_sender_fields_are_ignored(void **state);
void bad_payloads_get_einval(void **state);
void silent_client_does_not_block_others(void **state);
void connect_storm_leaks_nothing(void **state);
void flooding_client_does_not_block_others(void **state);
void unstarted_slot_outlives_its_creator(void **state);

#endif
