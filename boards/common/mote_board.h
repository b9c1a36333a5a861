/*
 * Board services of the real-board firmware (STM32F746G-DISCO, NUCLEO-H743ZI): the interface
 * between the shared harness (harness.c, startup.c, profile.c, cortex_m7.c) and each board's
 * own file (boards/<board>/<chip>.c: clock tree, flash wait states, UART on the ST-LINK virtual
 * COM port). Also the few Cortex-M7 core registers the shared code touches, from the Armv7-M
 * Architecture Reference Manual and the Cortex-M7 TRM / PM0253 (no CMSIS header is used).
 *
 * Timing is the DWT cycle counter (CYCCNT), which counts core clock cycles: on hardware these
 * are real cycles, not the instruction counts of the QEMU board.
 */
#ifndef MOTE_BOARD_H
#define MOTE_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define MOTE_REG(addr) (*(volatile uint32_t *)(addr))

/* System control block (PM0253 §4.3) */
#define MOTE_SCB_VTOR   MOTE_REG(0xE000ED08u)
#define MOTE_SCB_CCR    MOTE_REG(0xE000ED14u)
#define MOTE_SCB_CFSR   MOTE_REG(0xE000ED28u)
#define MOTE_SCB_HFSR   MOTE_REG(0xE000ED2Cu)
#define MOTE_SCB_CCSIDR MOTE_REG(0xE000ED80u)
#define MOTE_SCB_CSSELR MOTE_REG(0xE000ED84u)
#define MOTE_SCB_CPACR  MOTE_REG(0xE000ED88u)
#define MOTE_SCB_ICIALLU MOTE_REG(0xE000EF50u)
#define MOTE_SCB_DCISW  MOTE_REG(0xE000EF60u)
#define MOTE_CCR_DC (1u << 16)
#define MOTE_CCR_IC (1u << 17)

/* Debug: DEMCR.TRCENA powers the DWT; DWT_LAR unlocks it for software on the Cortex-M7. */
#define MOTE_DEMCR      MOTE_REG(0xE000EDFCu)
#define MOTE_DWT_CTRL   MOTE_REG(0xE0001000u)
#define MOTE_DWT_CYCCNT MOTE_REG(0xE0001004u)
#define MOTE_DWT_LAR    MOTE_REG(0xE0001FB0u)

static inline __attribute__((always_inline)) void mote_dsb_isb(void)
{
  __asm__ volatile("dsb 0xF\n\tisb 0xF" ::: "memory");
}

/* Core clock cycles since mote_cycles_start() (DWT CYCCNT, 32 bits: wraps after 2^32 cycles,
 * 19.9 s at 216 MHz, 8.9 s at 480 MHz; differences of uint32_t are exact below that). */
static inline uint32_t mote_cycles_now(void)
{
  return MOTE_DWT_CYCCNT;
}

/* cortex_m7.c */
void mote_enable_caches(void);
void mote_cycles_start(void);

/* Provided by the board's own file. */
extern const char mote_board_name[];
/* Clock tree, flash wait states, power; returns the core clock in Hz actually reached. */
uint32_t mote_board_clock_init(void);
/* UART at 115200 8N1 on the ST-LINK virtual COM port, for a core clock of `core_hz`. */
void mote_board_uart_init(uint32_t core_hz);
/* Blocking write of one byte; mote_board_uart_flush waits until the last one left. */
void mote_board_uart_putc(char c);
void mote_board_uart_flush(void);
/* What the core does once main returned or a fault was reported (startup.c: sleep; weak). */
__attribute__((noreturn)) void mote_board_halt(int status);

/* harness.c: console lines over the UART (no printf, so no malloc from newlib). */
void mote_log(const char *text);
void mote_log_number(uint64_t value);
void mote_log_hex32(uint32_t value);

#ifdef MOTE_PROFILE
/* profile.c: the per-layer hooks model.c calls under -DMOTE_PROFILE. */
void mote_profile_begin(int key);
void mote_profile_end(int key);
void mote_profile_reset(void);
void mote_profile_report(void);
#endif

#endif
