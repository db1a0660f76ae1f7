/*
 * hw/riscv64/servers/console/uart.c — the console's terminal on riscv64
 * (servers/console/host.h): the virt board's 16550 UART, its registers
 * mapped into the console's space (RV_SYS_DEV_MAP).
 *
 * Output mapping (OPOST, ONLCR, ...) is left to the terminal at the other
 * end of the line, as the sim leaves it to the host's: QEMU's stdio keeps
 * OPOST on the host terminal, so "\n" already shows as a new line there
 * (mapping here too would print "\r\r\n"). Input is polled: the reader thread
 * looks at the line status every 5 ms and sleeps in between with a closed
 * receive from itself (a wait nobody ends but its timeout). The UART's
 * interrupt through the PLIC would let it sleep until a byte comes; that is
 * for when interrupts reach user-level drivers.
 */
#include <exo/dev.h>
#include <exo/errno.h>
#include <exo/exo.h>

#include "../../lib/sys.h"
#include "host.h"

#define UART0 0x10000000ull
#define RBR 0
#define THR 0
#define LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20

static volatile uint8_t *uart;

int con_host_init(void)
{
	struct rv_ret r = RV_SYS2(RV_SYS_DEV_MAP, UART0, 1);

	if (r.err == EXO_OK)
		uart = (volatile uint8_t *)(uintptr_t)r.r1;
	return 1; /* a terminal: echo on */
}

void con_host_oflag(uint32_t f)
{
	(void)f; /* the other end's (see above) */
}

void con_host_winsize(uint16_t ws[4])
{
	ws[0] = 24;
	ws[1] = 80;
	ws[2] = ws[3] = 0;
}

static void put(char c)
{
	while (!(uart[LSR] & LSR_THRE))
		;
	uart[THR] = (uint8_t)c;
}

int con_host_write(int fd, const char *p, size_t n)
{
	if (!uart)
		return RV_SYS2(RV_SYS_DEBUG_WRITE, p, n).err == EXO_OK ? 0 : -XE_EIO;
	for (size_t i = 0; i < n; i++)
		put(p[i]);
	return 0;
}

uint64_t con_host_now(void)
{
	return exo_clock_ns();
}

long con_host_read(char *buf, size_t n)
{
	exo_msg_t m;

	for (;;) {
		size_t got = 0;

		while (uart && got < n && (uart[LSR] & LSR_DR))
			buf[got++] = (char)uart[RBR];
		if (got)
			return (long)got;
		m.nbr = 0;
		m.rcv_window = EXO_FPAGE_NIL;
		exo_recv(exo_myself(), &m, exo_timeout_ms(5));
	}
}

void con_host_interrupt(void)
{
	/* No process server to take ^C: nothing else to stop on the board. */
}
