/*
 * hw/riscv64/servers/console/uart.c — the console's terminal on riscv64
 * (servers/console/host.h): the virt board's 16550 UART, its registers
 * mapped into the console's space (RV_SYS_DEV_MAP).
 *
 * Output mapping (OPOST, ONLCR, ...) is left to the terminal at the other
 * end of the line, as the sim leaves it to the host's: QEMU's stdio keeps
 * OPOST on the host terminal, so "\n" already shows as a new line there
 * (mapping here too would print "\r\r\n"). Input comes by interrupt: the
 * reader thread attaches the UART's PLIC source (RV_SYS_IRQ_ATTACH), turns
 * on the UART's receive interrupt, and sleeps in an open receive until the
 * kernel's notice (RV_LABEL_INTERRUPT); then it acknowledges the source and
 * reads what came. Where the kernel refuses the interrupt it falls back to
 * looking at the line status every 5 ms.
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
#define IER 1
#define IER_RX 0x01
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

/* Sleep until the UART may have input: its interrupt, or 5 ms without one. */
static void wait_input(void)
{
	static int irq = -1; /* not tried yet; 0 refused; 1 attached (to the reader thread) */
	exo_msg_t m;
	exo_tid_t from;

	if (irq < 0) {
		irq = uart && RV_SYS1(RV_SYS_IRQ_ATTACH, RV_IRQ_UART0).err == EXO_OK;
		if (irq)
			uart[IER] = IER_RX;
	}
	m.nbr = 0;
	m.rcv_window = EXO_FPAGE_NIL;
	if (!irq) {
		exo_recv(exo_myself(), &m, exo_timeout_ms(5));
		return;
	}
	while (exo_wait(&m, EXO_TIMEOUT_NEVER, &from) != EXO_OK || !exo_is_kernel_notice(from, &m) ||
	       exo_tag_label(m.tag) != RV_LABEL_INTERRUPT)
		m.nbr = 0; /* nobody else has business with this thread */
	RV_SYS1(RV_SYS_IRQ_ACK, RV_IRQ_UART0);
}

long con_host_read(char *buf, size_t n)
{
	for (;;) {
		size_t got = 0;

		while (uart && got < n && (uart[LSR] & LSR_DR))
			buf[got++] = (char)uart[RBR];
		if (got)
			return (long)got;
		wait_input();
	}
}

void con_host_interrupt(void)
{
	/* No process server to take ^C: nothing else to stop on the board. */
}
