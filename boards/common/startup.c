/*
 * Reset and exception handling of the real-board firmware (both STM32 boards). The vector table
 * is the first thing in flash (section .isr_vector at 0x08000000, link.ld): initial stack
 * pointer (__stack_top, the top of the stack the linker placed in DTCM), then the handlers,
 * Thumb bit set by the toolchain. Reset_Handler enables the FPU (CPACR CP10/CP11) before any
 * compiled code may use it, points VTOR at the table (the F746 boots through its ITCM alias
 * 0x00200000), copies .data from flash, zeroes .bss (the model's arena) and calls main. A fault
 * prints one "mote: error ..." line over the UART (the serial-log parser reports it) and stops.
 */
#include <stdint.h>

#include "mote_board.h"

extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void Fault_Handler(void);
void mote_fault_report(const uint32_t *frame);
__attribute__((noreturn)) void mote_board_halt(int status);

/* STM32H743 has 150 interrupt lines, the STM32F746 98: one table long enough for both. */
#define MOTE_NUM_IRQS 150

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
  Default_Handler, /* SysTick (unused: timing is the DWT) */
  [16 ... 16 + MOTE_NUM_IRQS - 1] = Default_Handler,
};

__attribute__((noreturn, noinline)) static void mote_reset_c(void)
{
  uint32_t *src = __data_load;
  for (uint32_t *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (uint32_t *dst = __bss_start; dst < __bss_end;) *dst++ = 0u;
  mote_board_halt(main());
}

/* After main returns (or a fault): sleep forever. A board file may replace it (the QEMU check of
 * test/fixtures/boards/qemu-uart.c exits QEMU instead). */
__attribute__((weak, noreturn)) void mote_board_halt(int status)
{
  (void)status;
  for (;;) __asm__ volatile("wfi");
}

void Reset_Handler(void)
{
  MOTE_SCB_CPACR |= 0xFu << 20; /* CP10, CP11: full access */
  MOTE_SCB_VTOR = (uint32_t)(uintptr_t)mote_vector_table;
  mote_dsb_isb();
  mote_reset_c();
}

static uint32_t mote_active_exception(void)
{
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  return ipsr & 0x1FFu;
}

__attribute__((noreturn)) static void mote_halt(void)
{
  mote_board_uart_flush();
  mote_board_halt(1);
}

void Default_Handler(void)
{
  mote_log("mote: error unexpected exception ");
  mote_log_number(mote_active_exception());
  mote_log("\n");
  mote_halt();
}

/* Passes the stacked exception frame (from MSP or PSP) to mote_fault_report. */
__attribute__((naked)) void Fault_Handler(void)
{
  __asm__ volatile(
      "tst lr, #4\n\t"
      "ite eq\n\t"
      "mrseq r0, msp\n\t"
      "mrsne r0, psp\n\t"
      "b mote_fault_report\n\t");
}

void mote_fault_report(const uint32_t *frame)
{
  static const char *const names[] = { "HardFault", "MemManage", "BusFault", "UsageFault" };
  uint32_t exception = mote_active_exception();
  mote_log("mote: error ");
  mote_log(exception >= 3u && exception <= 6u ? names[exception - 3u] : "fault");
  mote_log(" at pc=");
  mote_log_hex32(frame[6]);
  mote_log(" cfsr=");
  mote_log_hex32(MOTE_SCB_CFSR);
  mote_log(" hfsr=");
  mote_log_hex32(MOTE_SCB_HFSR);
  mote_log(" (out-of-bounds access or stack overflow?)\n");
  mote_halt();
}
