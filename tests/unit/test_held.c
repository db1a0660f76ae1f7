/*
 * tests/unit/test_held.c — libexo's queue of held requests (exo/held.h):
 * arrival and sorted order, what a cancel or an ended space takes out, and
 * the answer going to the held client. exo_reply is mocked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <exo/held.h>

struct req {
	int key;
	struct exo_held held;    /* not the first member: EXO_HELD_OF finds the record */
};

static exo_tid_t replied_to;
static exo_err reply_result;

exo_err exo_reply(exo_tid_t to, exo_msg_t *m)
{
	(void)m;
	replied_to = to;
	return reply_result;
}

static int later(const struct exo_held *a, const struct exo_held *b)
{
	return EXO_HELD_OF(a, struct req, held)->key > EXO_HELD_OF(b, struct req, held)->key;
}

/* The keys of q in order, as a number: 312 for keys 3, 1, 2. */
static int order(const struct exo_held_queue *q)
{
	int n = 0;

	for (const struct exo_held *h = q->head; h; h = h->next)
		n = n * 10 + EXO_HELD_OF(h, struct req, held)->key;
	return n;
}

static void test_arrival_order_and_count(void **state)
{
	struct exo_held_queue q = { 0 };
	struct req r[3] = { { .key = 3 }, { .key = 1 }, { .key = 2 } };

	(void)state;
	for (int i = 0; i < 3; i++)
		exo_held_add(&q, &r[i].held, (exo_tid_t)(10 + i), 5, NULL);
	assert_int_equal(q.count, 3);
	assert_int_equal(order(&q), 312);
	assert_int_equal(r[1].held.client, 11);
	assert_int_equal(r[1].held.space, 5);
}

static void test_sorted_and_equal_keys_keep_arrival(void **state)
{
	struct exo_held_queue q = { 0 };
	struct req r[5] = { { .key = 5 }, { .key = 2 }, { .key = 7 }, { .key = 2 }, { .key = 1 } };

	(void)state;
	for (int i = 0; i < 5; i++)
		exo_held_add(&q, &r[i].held, (exo_tid_t)(10 + i), 5, later);
	assert_int_equal(order(&q), 12257);
	/* The two 2s: the first to arrive is answered first. */
	assert_ptr_equal(q.head->next, &r[1].held);
	assert_ptr_equal(q.head->next->next, &r[3].held);
}

static void test_take_by_client_by_space_and_any(void **state)
{
	struct exo_held_queue q = { 0 };
	struct req r[5] = { { .key = 1 }, { .key = 2 }, { .key = 3 }, { .key = 4 }, { .key = 5 } };
	exo_tid_t clients[5] = { 10, 11, 10, 12, 13 };
	exo_space_t spaces[5] = { 1, 1, 1, 2, 2 };
	struct exo_held *h;
	int n = 0;

	(void)state;
	for (int i = 0; i < 5; i++)
		exo_held_add(&q, &r[i].held, clients[i], spaces[i], NULL);
	/* A cancel by client 10 takes both its requests, in order, and nothing else. */
	assert_ptr_equal(exo_held_take(&q, 10, EXO_NILSPACE), &r[0].held);
	assert_ptr_equal(exo_held_take(&q, 10, EXO_NILSPACE), &r[2].held);
	assert_null(exo_held_take(&q, 10, EXO_NILSPACE));
	assert_int_equal(order(&q), 245);
	/* A client that holds nothing, and a thread of another space. */
	assert_null(exo_held_take(&q, 99, EXO_NILSPACE));
	assert_null(exo_held_take(&q, 11, 2));
	/* Space 2 ends: both of its requests go. */
	while ((h = exo_held_take(&q, EXO_NILTHREAD, 2)))
		n++;
	assert_int_equal(n, 2);
	assert_int_equal(order(&q), 2);
	assert_ptr_equal(exo_held_take(&q, EXO_NILTHREAD, EXO_NILSPACE), &r[1].held);
	assert_null(q.head);
	assert_int_equal(q.count, 0);
}

static void test_remove_head_middle_tail_and_stranger(void **state)
{
	struct exo_held_queue q = { 0 };
	struct req r[4] = { { .key = 1 }, { .key = 2 }, { .key = 3 }, { .key = 4 } }, stranger = { .key = 9 };

	(void)state;
	for (int i = 0; i < 4; i++)
		exo_held_add(&q, &r[i].held, (exo_tid_t)(10 + i), 1, NULL);
	exo_held_remove(&q, &r[1].held);
	assert_int_equal(order(&q), 134);
	exo_held_remove(&q, &r[0].held);
	assert_int_equal(order(&q), 34);
	exo_held_remove(&q, &r[3].held);
	assert_int_equal(order(&q), 3);
	exo_held_remove(&q, &stranger.held); /* not in q: nothing changes */
	assert_int_equal(order(&q), 3);
	assert_int_equal(q.count, 1);
}

static void test_answer_goes_to_the_held_client(void **state)
{
	struct exo_held_queue q = { 0 };
	struct req r = { .key = 1 };
	exo_msg_t m = { 0 };

	(void)state;
	exo_held_add(&q, &r.held, 0x4242, 3, NULL);
	reply_result = EXO_OK;
	assert_int_equal(exo_held_answer(&r.held, &m), EXO_OK);
	assert_int_equal(replied_to, 0x4242);
	/* A client that gave up: the server hears of it and undoes the answer. */
	reply_result = EXO_ENOPARTNER;
	assert_int_equal(exo_held_answer(&r.held, &m), EXO_ENOPARTNER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arrival_order_and_count),
		cmocka_unit_test(test_sorted_and_equal_keys_keep_arrival),
		cmocka_unit_test(test_take_by_client_by_space_and_any),
		cmocka_unit_test(test_remove_head_middle_tail_and_stranger),
		cmocka_unit_test(test_answer_goes_to_the_held_client),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
