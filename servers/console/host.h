/*
 * servers/console/host.h — what the console needs of the terminal under it.
 * The sim's backend (sim/servers/console/host.c) is exosim's stdin, stdout
 * and stderr and the host terminal behind them; riscv64's
 * (hw/riscv64/servers/console/uart.c) is the virt board's 16550 UART.
 */
#ifndef CON_HOST_H
#define CON_HOST_H

#include <stddef.h>
#include <stdint.h>

/*
 * Look at the host's stdin: a terminal in the foreground is put in raw mode
 * (the discipline is ours) and restored at exit, SIGINT, SIGTERM, SIGHUP.
 * Returns 1 when stdin is a terminal (echo on by default), else 0.
 */
int con_host_init(void);

/* Mirror the output flags (DTO_*) onto the host terminal's output mapping. */
void con_host_oflag(uint32_t oflag);

/* The host terminal's size, or 24x80 when there is none: rows, cols, xpix, ypix. */
void con_host_winsize(uint16_t ws[4]);

/* Write all of p to host descriptor fd: 0 or -XE_EIO. */
int con_host_write(int fd, const char *p, size_t n);

/* Monotonic time in nanoseconds. */
uint64_t con_host_now(void);

/*
 * Block until input arrives (the reader thread): bytes read (> 0), 0 at end
 * of file, < 0 when the terminal failed.
 */
long con_host_read(char *buf, size_t n);

/* ^C with nobody to signal (no process server, no foreground group). */
void con_host_interrupt(void);

#endif
