/* SPDX-License-Identifier: MIT */
/*
 * The core's console: its own messages and partitions' hypercall output,
 * one whole line at a time so that lines from different CPUs never mix.
 * Partition lines are tagged "[name] ".
 */
#pragma once

#include <bulkhead/types.h>

struct vcpu;

/** Print a formatted message (one or more whole lines). */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** The core's own message, tagged "[bulkhead] ". */
#define pr(fmt, ...) printk("[bulkhead] " fmt, ##__VA_ARGS__)

/** Report a bug in the core itself and halt this CPU. */
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * Append guest output; complete lines are printed with the tag. BH_BUSY
 * (nothing taken) when the output has nowhere to go without waiting.
 */
s64 console_guest_write(struct vcpu *v, const char *s, u32 n);

/** Print what is left of @v's current line (before it stops). */
void console_guest_flush(struct vcpu *v);

/** From now on CPUs run concurrently: take the console lock. */
void console_smp_on(void);

/** Low-level UART output (drivers/pl011.c). */
void uart_write(u64 base, const char *s, size_t n);
