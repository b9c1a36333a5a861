/*
 * Board services a Mote firmware may use: the SysTick instruction counter and console lines.
 * For the QEMU mps2-an500 board (and, for now, any Cortex-M7 board that reuses this startup).
 *
 * Timing follows GUIDE §5: SysTick on the processor clock (SYST_CSR = 7), reload
 * MOTE_SYSTICK_RELOAD (0xFFFFFF), wraps counted by SysTick_Handler in startup.c. Under
 * `qemu-system-arm -icount shift=0` one tick is exactly MOTE_INSTRUCTIONS_PER_TICK (40)
 * executed instructions, so mote_cycles_now() counts instructions with a resolution of 40.
 * A profiling build may call mote_cycles_now() around each layer; the harness (main.c) has
 * already started the timer with mote_timer_start() before mote_invoke() runs.
 */
#ifndef MOTE_BOARD_H
#define MOTE_BOARD_H

#include <stdint.h>

#define MOTE_INSTRUCTIONS_PER_TICK 40u
#ifndef MOTE_SYSTICK_RELOAD
#define MOTE_SYSTICK_RELOAD 0xFFFFFFu
#endif

#define MOTE_SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define MOTE_SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define MOTE_SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define MOTE_SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define MOTE_ICSR_PENDSTSET (1u << 26)

/* Number of SysTick interrupts since mote_timer_start() (startup.c). */
extern volatile uint32_t mote_systick_wraps;

/* Starts SysTick and returns once its current value reads non-zero (the QEMU reload quirk). */
void mote_timer_start(void);
/* Stops SysTick (mote_ticks_now() then stays constant). */
void mote_timer_stop(void);

/*
 * SysTick ticks since the counter first read non-zero after mote_timer_start(). QEMU raises
 * the interrupt as the counter reaches 0, which stays visible for one tick before the reload
 * (probed: values R..1, 0, R..), so a 0 belongs to the period the wrap count already
 * includes, unless the interrupt is still pending (ICSR.PENDSTSET, e.g. with interrupts
 * masked). The wrap count is re-read to catch an interrupt taken between the two reads.
 */
static inline uint64_t mote_ticks_now(void)
{
  uint32_t wraps;
  uint32_t value;
  uint32_t pending;
  do {
    wraps = mote_systick_wraps;
    value = MOTE_SYST_CVR;
    pending = value == 0u ? (MOTE_SCB_ICSR & MOTE_ICSR_PENDSTSET) : 0u;
  } while (wraps != mote_systick_wraps);
  uint64_t period = (uint64_t)MOTE_SYSTICK_RELOAD + 1u;
  if (value == 0u && pending == 0u && wraps > 0u) return (uint64_t)wraps * period - 1u;
  return (uint64_t)wraps * period + (MOTE_SYSTICK_RELOAD - value);
}

/* Executed instructions (under QEMU -icount shift=0) since the timer started; resolution 40. */
static inline uint64_t mote_cycles_now(void)
{
  return mote_ticks_now() * MOTE_INSTRUCTIONS_PER_TICK;
}

/* Writes `text` to the console (no newline added). */
void mote_log(const char *text);
/* Writes `value` in decimal (no newline). */
void mote_log_number(uint64_t value);
/* Writes the line "<label>: <value>\n". */
void mote_log_u64(const char *label, uint64_t value);

#ifdef MOTE_PROFILE
/* Per-layer hooks (profile.c) that model.c calls under -DMOTE_PROFILE, and the report of
 * their totals: one "layer <key>: <instructions>" line per layer. */
void mote_profile_begin(int key);
void mote_profile_end(int key);
void mote_profile_report(void);
#endif

#endif
