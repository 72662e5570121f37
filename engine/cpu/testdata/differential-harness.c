/*
 * Runs one x86-64 instruction natively per input record, for engine/cpu/differential.test.ts.
 *
 * Each record (stdin, little endian): 256 bytes of code for the page at CODE (the instruction at CODE, then
 * the landing pads the test generated), the 16 general registers (rax rcx rdx rbx rsp rbp rsi rdi r8..r15),
 * RFLAGS, the %gs base (0 unless ARCH_SET_GS is allowed), xmm0..xmm15 (16 bytes each) and DATA_SIZE bytes
 * for the data page at DATA. The harness loads all of it — every
 * register including rsp, RFLAGS with popfq, %gs with arch_prctl(ARCH_SET_GS) — and jumps to CODE. A pad
 * writes its number at CODE+0xff0 and jumps to the epilogue, which stores the registers (mov only: no flag
 * changes), then RFLAGS. A fault (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP) is caught on an alternate
 * stack: the handler takes the registers from the signal context and resumes in the harness.
 *
 * Each output record: the 16 registers, RFLAGS, rip (at a fault), the signal number (0: none), si_addr,
 * the pad number, xmm0..xmm15, then the DATA page. The xmm registers are loaded and stored with movdqu (no flags).
 *
 * Build: gcc -O1 -o harness differential-harness.c (x86-64 Linux only).
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define CODE 0x10000000UL
#define DATA 0x20000000UL
#define DATA_SIZE 4096
#define CODE_BYTES 256

struct in_rec { uint8_t code[CODE_BYTES]; uint64_t regs[16]; uint64_t flags; uint64_t gs; uint8_t xmm[256]; uint8_t data[DATA_SIZE]; };
struct out_rec {
  uint64_t regs[16]; uint64_t flags; uint64_t rip; uint64_t signo; uint64_t addr; uint64_t path; uint8_t xmm[256]; uint8_t data[DATA_SIZE];
};

uint64_t h_in_regs[16], h_in_flags, h_out_regs[16], h_out_flags, h_saved_rsp;
uint8_t h_in_xmm[256], h_out_xmm[256];
void run_case(void);
void h_epilogue(void);
void h_resume(void);

__asm__(
  ".text\n"
  ".globl run_case\n"
  "run_case:\n"
  "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
  "  mov %rsp, h_saved_rsp(%rip)\n"
  "  movdqu h_in_xmm+0(%rip), %xmm0\n"
  "  movdqu h_in_xmm+16(%rip), %xmm1\n"
  "  movdqu h_in_xmm+32(%rip), %xmm2\n"
  "  movdqu h_in_xmm+48(%rip), %xmm3\n"
  "  movdqu h_in_xmm+64(%rip), %xmm4\n"
  "  movdqu h_in_xmm+80(%rip), %xmm5\n"
  "  movdqu h_in_xmm+96(%rip), %xmm6\n"
  "  movdqu h_in_xmm+112(%rip), %xmm7\n"
  "  movdqu h_in_xmm+128(%rip), %xmm8\n"
  "  movdqu h_in_xmm+144(%rip), %xmm9\n"
  "  movdqu h_in_xmm+160(%rip), %xmm10\n"
  "  movdqu h_in_xmm+176(%rip), %xmm11\n"
  "  movdqu h_in_xmm+192(%rip), %xmm12\n"
  "  movdqu h_in_xmm+208(%rip), %xmm13\n"
  "  movdqu h_in_xmm+224(%rip), %xmm14\n"
  "  movdqu h_in_xmm+240(%rip), %xmm15\n"
  "  pushq h_in_flags(%rip)\n"
  "  popfq\n"
  "  mov h_in_regs+0(%rip), %rax\n  mov h_in_regs+8(%rip), %rcx\n  mov h_in_regs+16(%rip), %rdx\n"
  "  mov h_in_regs+24(%rip), %rbx\n  mov h_in_regs+32(%rip), %rsp\n  mov h_in_regs+40(%rip), %rbp\n"
  "  mov h_in_regs+48(%rip), %rsi\n  mov h_in_regs+56(%rip), %rdi\n  mov h_in_regs+64(%rip), %r8\n"
  "  mov h_in_regs+72(%rip), %r9\n  mov h_in_regs+80(%rip), %r10\n  mov h_in_regs+88(%rip), %r11\n"
  "  mov h_in_regs+96(%rip), %r12\n  mov h_in_regs+104(%rip), %r13\n  mov h_in_regs+112(%rip), %r14\n"
  "  mov h_in_regs+120(%rip), %r15\n"
  "  jmp *h_code_entry(%rip)\n"
  ".globl h_epilogue\n"
  "h_epilogue:\n"
  "  mov %rax, h_out_regs+0(%rip)\n  mov %rcx, h_out_regs+8(%rip)\n  mov %rdx, h_out_regs+16(%rip)\n"
  "  mov %rbx, h_out_regs+24(%rip)\n  mov %rsp, h_out_regs+32(%rip)\n  mov %rbp, h_out_regs+40(%rip)\n"
  "  mov %rsi, h_out_regs+48(%rip)\n  mov %rdi, h_out_regs+56(%rip)\n  mov %r8, h_out_regs+64(%rip)\n"
  "  mov %r9, h_out_regs+72(%rip)\n  mov %r10, h_out_regs+80(%rip)\n  mov %r11, h_out_regs+88(%rip)\n"
  "  mov %r12, h_out_regs+96(%rip)\n  mov %r13, h_out_regs+104(%rip)\n  mov %r14, h_out_regs+112(%rip)\n"
  "  mov %r15, h_out_regs+120(%rip)\n"
  "  movdqu %xmm0, h_out_xmm+0(%rip)\n"
  "  movdqu %xmm1, h_out_xmm+16(%rip)\n"
  "  movdqu %xmm2, h_out_xmm+32(%rip)\n"
  "  movdqu %xmm3, h_out_xmm+48(%rip)\n"
  "  movdqu %xmm4, h_out_xmm+64(%rip)\n"
  "  movdqu %xmm5, h_out_xmm+80(%rip)\n"
  "  movdqu %xmm6, h_out_xmm+96(%rip)\n"
  "  movdqu %xmm7, h_out_xmm+112(%rip)\n"
  "  movdqu %xmm8, h_out_xmm+128(%rip)\n"
  "  movdqu %xmm9, h_out_xmm+144(%rip)\n"
  "  movdqu %xmm10, h_out_xmm+160(%rip)\n"
  "  movdqu %xmm11, h_out_xmm+176(%rip)\n"
  "  movdqu %xmm12, h_out_xmm+192(%rip)\n"
  "  movdqu %xmm13, h_out_xmm+208(%rip)\n"
  "  movdqu %xmm14, h_out_xmm+224(%rip)\n"
  "  movdqu %xmm15, h_out_xmm+240(%rip)\n"
  "  mov h_saved_rsp(%rip), %rsp\n"
  "  pushfq\n"
  "  popq h_out_flags(%rip)\n"
  ".globl h_resume\n"
  "h_resume:\n"
  "  mov h_saved_rsp(%rip), %rsp\n"
  "  cld\n"
  "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
  "  ret\n"
  ".data\n"
  "h_code_entry: .quad 0x10000000\n"
  ".text\n");

static volatile uint64_t fault_signo, fault_addr, fault_rip;

static void on_fault(int sig, siginfo_t *si, void *ctx) {
  ucontext_t *uc = ctx;
  greg_t *g = uc->uc_mcontext.gregs;
  static const int order[16] = { REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                 REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15 };
  for (int i = 0; i < 16; i++) h_out_regs[i] = (uint64_t)g[order[i]];
  h_out_flags = (uint64_t)g[REG_EFL];
  for (int i = 0; i < 16; i++) memcpy(h_out_xmm + 16 * i, uc->uc_mcontext.fpregs->_xmm[i].element, 16);
  fault_signo = (uint64_t)sig;
  fault_addr = (uint64_t)si->si_addr;
  fault_rip = (uint64_t)g[REG_RIP];
  g[REG_RIP] = (greg_t)h_resume;
  g[REG_RSP] = (greg_t)h_saved_rsp;
  g[REG_EFL] &= ~(greg_t)0x500; /* TF, DF */
}

int main(void) {
  uint8_t *code = mmap((void *)CODE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  uint8_t *data = mmap((void *)DATA, DATA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (code != (uint8_t *)CODE || data != (uint8_t *)DATA) { perror("mmap"); return 2; }
  static uint8_t altstack[65536];
  stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
  if (sigaltstack(&ss, NULL)) { perror("sigaltstack"); return 2; }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
  /* The %gs base starts at 0 (some sandboxes refuse ARCH_SET_GS: records then ask for 0). Check it. */
  uint64_t gs_now = 0, probe;
  *(volatile uint64_t *)DATA = 0x1234abcd5678ef09UL;
  __asm__ volatile("mov %%gs:(%1), %0" : "=r"(probe) : "r"(DATA));
  if (probe != 0x1234abcd5678ef09UL) { fprintf(stderr, "the %%gs base is not 0\n"); return 2; }
  static struct in_rec in;
  static struct out_rec out;
  while (fread(&in, sizeof in, 1, stdin) == 1) {
    memset(code, 0xcc, 4096);
    memcpy(code, in.code, CODE_BYTES);
    *(uint64_t *)(code + 0xff0) = 0;
    *(uint64_t *)(code + 0xff8) = (uint64_t)h_epilogue;
    memcpy(data, in.data, DATA_SIZE);
    memcpy(h_in_regs, in.regs, sizeof h_in_regs);
    memcpy(h_in_xmm, in.xmm, sizeof h_in_xmm);
    h_in_flags = in.flags;
    fault_signo = fault_addr = fault_rip = 0;
    if (in.gs != gs_now) {
      if (syscall(SYS_arch_prctl, ARCH_SET_GS, in.gs)) { fprintf(stderr, "arch_prctl(ARCH_SET_GS, 0x%lx) refused\n", (unsigned long)in.gs); return 2; }
      gs_now = in.gs;
    }
    run_case();
    memcpy(out.regs, h_out_regs, sizeof out.regs);
    out.flags = h_out_flags;
    out.rip = fault_rip;
    out.signo = fault_signo;
    out.addr = fault_addr;
    out.path = *(uint64_t *)(code + 0xff0);
    memcpy(out.xmm, h_out_xmm, sizeof out.xmm);
    memcpy(out.data, data, DATA_SIZE);
    if (fwrite(&out, sizeof out, 1, stdout) != 1) return 2;
  }
  return 0;
}
