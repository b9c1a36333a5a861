/*
 * Reset and exception handling for Cortex-M7 firmware (QEMU mps2-an500; real Cortex-M7 boards
 * may reuse it). The vector table sits at 0x0 (section .isr_vector, see link.ld). Reset_Handler
 * enables the FPU first (CPACR, before any compiled code may touch an FP register), then
 * mote_reset_c copies .data from its load address, zeroes .bss and calls main. SysTick counts
 * wraps for mote_board.h. Every other exception prints which one it was (and, for faults, the
 * stacked PC and fault status) through semihosting and exits with status 1, so a crash in the
 * model shows up as a failed run instead of a hang.
 */
#include <stdint.h>

#include "mote_board.h"
#include "semihosting.h"

extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

int main(void);
void Reset_Handler(void);
void SysTick_Handler(void);
void Default_Handler(void);
void Fault_Handler(void);
void mote_fault_report(const uint32_t *frame, uint32_t exc_return);

#define MOTE_NUM_IRQS 32

typedef void (*mote_vector)(void);

__attribute__((section(".isr_vector"), used))
const mote_vector mote_vector_table[16 + MOTE_NUM_IRQS] = {
  (mote_vector)(uintptr_t)__stack_top,
  Reset_Handler,
  Default_Handler, /* NMI */
  Fault_Handler,   /* HardFault */
  Fault_Handler,   /* MemManage */
  Fault_Handler,   /* BusFault */
  Fault_Handler,   /* UsageFault */
  0, 0, 0, 0,
  Default_Handler, /* SVCall */
  Default_Handler, /* DebugMonitor */
  0,
  Default_Handler, /* PendSV */
  SysTick_Handler,
  [16 ... 16 + MOTE_NUM_IRQS - 1] = Default_Handler,
};

__attribute__((noreturn, noinline)) static void mote_reset_c(void)
{
  uint32_t *src = __data_load;
  for (uint32_t *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (uint32_t *dst = __bss_start; dst < __bss_end;) *dst++ = 0u;
  int status = main();
  sh_exit(status);
}

void Reset_Handler(void)
{
  /* CPACR: full access to CP10 and CP11 (the FPU). */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  mote_reset_c();
}

void SysTick_Handler(void)
{
  mote_systick_wraps = mote_systick_wraps + 1u;
}

static void mote_log_hex(const char *label, uint32_t value)
{
  char text[24];
  unsigned n = 0;
  while (label[n] != '\0' && n < 8u) {
    text[n] = label[n];
    n++;
  }
  text[n++] = '0';
  text[n++] = 'x';
  for (int shift = 28; shift >= 0; shift -= 4) {
    text[n++] = "0123456789abcdef"[(value >> shift) & 0xFu];
  }
  text[n] = '\0';
  sh_write0(text);
}

static uint32_t mote_active_exception(void)
{
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  return ipsr & 0x1FFu;
}

void Default_Handler(void)
{
  sh_write0("error: unexpected exception ");
  mote_log_hex("", mote_active_exception());
  sh_write0("\n");
  sh_exit(1);
}

/* Passes the stacked exception frame (from MSP or PSP) and EXC_RETURN to mote_fault_report. */
__attribute__((naked)) void Fault_Handler(void)
{
  __asm__ volatile(
      "tst lr, #4\n\t"
      "ite eq\n\t"
      "mrseq r0, msp\n\t"
      "mrsne r0, psp\n\t"
      "mov r1, lr\n\t"
      "b mote_fault_report\n\t");
}

void mote_fault_report(const uint32_t *frame, uint32_t exc_return)
{
  static const char *const names[] = { "HardFault", "MemManage", "BusFault", "UsageFault" };
  uint32_t exception = mote_active_exception();
  (void)exc_return;
  sh_write0("error: ");
  sh_write0(exception >= 3u && exception <= 6u ? names[exception - 3u] : "fault");
  mote_log_hex(" at pc=", frame[6]);
  mote_log_hex(" cfsr=", *(volatile uint32_t *)0xE000ED28u);
  mote_log_hex(" hfsr=", *(volatile uint32_t *)0xE000ED2Cu);
  sh_write0(" (the model crashed: out-of-bounds access or stack overflow?)\n");
  sh_exit(1);
}
