/*
 * Board services declared in mote_board.h: starting the SysTick counter and writing console
 * lines through semihosting. Number formatting is done here by hand so the firmware links no
 * printf (and therefore no malloc) from newlib.
 */
#include "mote_board.h"
#include "semihosting.h"

volatile uint32_t mote_systick_wraps;

void mote_timer_start(void)
{
  MOTE_SYST_CSR = 0u;
  mote_systick_wraps = 0u;
  MOTE_SYST_RVR = MOTE_SYSTICK_RELOAD;
  MOTE_SYST_CVR = 0u;
  MOTE_SYST_CSR = 7u; /* processor clock, interrupt, enable */
  /* After the write to SYST_CVR the counter reads 0 until the next tick, then reloads
   * without raising a wrap; start measuring only once it reads non-zero. */
  while (MOTE_SYST_CVR == 0u) {
  }
  mote_systick_wraps = 0u;
}

void mote_timer_stop(void)
{
  MOTE_SYST_CSR = 0u;
}

void mote_log(const char *text)
{
  sh_write0(text);
}

void mote_log_number(uint64_t value)
{
  char digits[21];
  char text[21];
  unsigned d = 0;
  unsigned n = 0;
  do {
    digits[d++] = (char)('0' + (unsigned)(value % 10u));
    value /= 10u;
  } while (value != 0u);
  while (d > 0u) text[n++] = digits[--d];
  text[n] = '\0';
  sh_write0(text);
}

void mote_log_u64(const char *label, uint64_t value)
{
  sh_write0(label);
  sh_write0(": ");
  mote_log_number(value);
  sh_write0("\n");
}
