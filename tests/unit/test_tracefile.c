/*
 * tests/unit/test_tracefile.c — the trace file format (proto/tracefile.c):
 * every record kind survives a round trip through a file, and files that are
 * not traces, truncated, corrupt or of a newer format are refused with a
 * message that names the byte offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tracefile.h"

static char path[64];

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/test-tracefile-%d", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void write_header(struct tf_writer *w, uint32_t version)
{
	Exotrace__Header h = EXOTRACE__HEADER__INIT;
	Exotrace__BootEntry b = EXOTRACE__BOOT_ENTRY__INIT, *bp = &b;
	char *argv[] = { "/bin/vfs", "-x" };

	b.kind = EXOTRACE__BOOT_ENTRY__KIND__START;
	b.label = "vfs";
	b.n_argv = 2;
	b.argv = argv;
	h.format_version = version;
	h.abi_version = 1;
	h.clock_base_ns = 123456789;
	h.n_boot = 1;
	h.boot = &bp;
	assert_int_equal(tf_write(w, &h.base), 0);
}

/* The event of kind k, with every field a reader might use filled from k. */
static void fill(Exotrace__Event *e, Exotrace__Item *it, Exotrace__Item **ip, uint64_t *mr, int k)
{
	exotrace__event__init(e);
	exotrace__item__init(it);
	e->kind = (Exotrace__Kind)k;
	e->time_ns = 1000u * (uint64_t)k;
	e->has_from_tid = e->has_from_space = e->has_to_tid = e->has_to_space = true;
	e->from_tid = 0x4001u + (uint32_t)k;
	e->from_space = (uint32_t)k;
	e->to_tid = 0x8001u;
	e->to_space = 2;
	e->from_label = "client";
	e->has_tag = true;
	e->tag = ((uint64_t)k << 32) | 3 | (2u << 7);
	mr[0] = (uint64_t)k;
	mr[1] = ~(uint64_t)0;
	mr[2] = 42;
	e->n_mr = 3;
	e->mr = mr;
	it->kind = 1;
	it->has_length = it->has_data = true;
	it->length = 5;
	it->data.len = 5;
	it->data.data = (uint8_t *)"hello";
	ip[0] = it;
	e->n_items = 1;
	e->items = ip;
	e->has_outcome = true;
	e->outcome = k % 3;
	e->name = "vfs";
	e->has_addr = true;
	e->addr = 0x1000u * (uint64_t)k;
}

static void round_trip_of_every_record_kind(void **state)
{
	const ProtobufCEnumDescriptor *d = &exotrace__kind__descriptor;
	struct tf_writer w;
	struct tf_reader r;
	Exotrace__Event *e;
	unsigned n = 0;

	(void)state;
	assert_int_equal(tf_writer_open(&w, path, 4096), 0);
	write_header(&w, TF_FORMAT_VERSION);
	for (unsigned i = 0; i < d->n_values; i++) {
		Exotrace__Event ev;
		Exotrace__Item it, *ip[1];
		uint64_t mr[3];

		if (d->values[i].value == 0)
			continue;
		fill(&ev, &it, ip, mr, d->values[i].value);
		assert_int_equal(tf_write(&w, &ev.base), 0);
	}
	assert_int_equal(tf_writer_close(&w), 0);

	assert_int_equal(tf_open(&r, path, false), 0);
	assert_int_equal(r.header->format_version, TF_FORMAT_VERSION);
	assert_int_equal(r.header->clock_base_ns, 123456789);
	assert_int_equal(r.header->n_boot, 1);
	assert_string_equal(r.header->boot[0]->argv[1], "-x");
	for (unsigned i = 0; i < d->n_values; i++) {
		Exotrace__Event want;
		Exotrace__Item it, *ip[1];
		uint64_t mr[3];

		if (d->values[i].value == 0)
			continue;
		fill(&want, &it, ip, mr, d->values[i].value);
		e = tf_next(&r);
		assert_non_null(e);
		assert_int_equal(e->kind, want.kind);
		assert_int_equal(e->time_ns, want.time_ns);
		assert_int_equal(e->from_tid, want.from_tid);
		assert_int_equal(e->to_space, want.to_space);
		assert_string_equal(e->from_label, "client");
		assert_int_equal(e->tag, want.tag);
		assert_int_equal(e->n_mr, 3);
		assert_memory_equal(e->mr, mr, sizeof(mr));
		assert_int_equal(e->n_items, 1);
		assert_int_equal(e->items[0]->length, 5);
		assert_memory_equal(e->items[0]->data.data, "hello", 5);
		assert_int_equal(e->outcome, want.outcome);
		assert_int_equal(e->addr, want.addr);
		tf_event_free(e);
		n++;
	}
	assert_true(n >= 16);
	assert_null(tf_next(&r));
	assert_string_equal(r.err, "");
	tf_close(&r);
}

static long file_size(void)
{
	FILE *f = fopen(path, "rb");
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

/* A small valid trace: the header and two events. */
static void small_trace(void)
{
	struct tf_writer w;
	Exotrace__Event ev;
	Exotrace__Item it, *ip[1];
	uint64_t mr[3];

	assert_int_equal(tf_writer_open(&w, path, 4096), 0);
	write_header(&w, TF_FORMAT_VERSION);
	fill(&ev, &it, ip, mr, EXOTRACE__KIND__CALL);
	assert_int_equal(tf_write(&w, &ev.base), 0);
	fill(&ev, &it, ip, mr, EXOTRACE__KIND__REPLY);
	assert_int_equal(tf_write(&w, &ev.base), 0);
	assert_int_equal(tf_writer_close(&w), 0);
}

/* Read everything; returns the error message (static), "" when none. */
static const char *read_all(void)
{
	static char msg[512];
	struct tf_reader r;
	Exotrace__Event *e;

	if (tf_open(&r, path, false) < 0) {
		snprintf(msg, sizeof(msg), "%s", r.err);
		tf_close(&r);
		return msg;
	}
	while ((e = tf_next(&r)))
		tf_event_free(e);
	snprintf(msg, sizeof(msg), "%s", r.err);
	tf_close(&r);
	return msg;
}

static void a_truncated_file_names_the_offset_of_its_last_record(void **state)
{
	long full;

	(void)state;
	small_trace();
	full = file_size();
	assert_string_equal(read_all(), "");
	/* Cut inside the last record, then inside the header, then in the magic. */
	assert_int_equal(truncate(path, full - 3), 0);
	assert_non_null(strstr(read_all(), "truncated record at offset"));
	assert_int_equal(truncate(path, 12), 0);
	assert_non_null(strstr(read_all(), "at offset 8"));
	assert_int_equal(truncate(path, 5), 0);
	assert_non_null(strstr(read_all(), "no \"EXOTRACE\" magic at offset 0"));
}

static void a_corrupt_record_is_refused_with_its_offset(void **state)
{
	FILE *f;
	long full;
	char want[64];
	static const unsigned char junk[] = { 0x05, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const unsigned char badlen[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };

	(void)state;
	small_trace();
	full = file_size();
	f = fopen(path, "ab");
	assert_non_null(f);
	fwrite(junk, 1, sizeof(junk), f);
	fclose(f);
	snprintf(want, sizeof(want), "corrupt event record at offset %ld", full);
	assert_non_null(strstr(read_all(), want));

	small_trace();
	f = fopen(path, "ab");
	fwrite(badlen, 1, sizeof(badlen), f);
	fclose(f);
	snprintf(want, sizeof(want), "corrupt record length at offset %ld", full);
	assert_non_null(strstr(read_all(), want));
}

static void a_newer_format_is_refused_with_the_version_and_offset(void **state)
{
	struct tf_writer w;
	const char *msg;

	(void)state;
	assert_int_equal(tf_writer_open(&w, path, 4096), 0);
	write_header(&w, TF_FORMAT_VERSION + 1);
	assert_int_equal(tf_writer_close(&w), 0);
	msg = read_all();
	assert_non_null(strstr(msg, "format version 2 at offset 8"));
	assert_non_null(strstr(msg, "newer"));
}

static void a_file_that_is_not_a_trace_is_refused(void **state)
{
	FILE *f;

	(void)state;
	f = fopen(path, "wb");
	fputs("#!/bin/sh\necho this is not a trace\n", f);
	fclose(f);
	assert_non_null(strstr(read_all(), "not an Exo trace"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_trip_of_every_record_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(a_truncated_file_names_the_offset_of_its_last_record, setup, teardown),
		cmocka_unit_test_setup_teardown(a_corrupt_record_is_refused_with_its_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(a_newer_format_is_refused_with_the_version_and_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(a_file_that_is_not_a_trace_is_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
