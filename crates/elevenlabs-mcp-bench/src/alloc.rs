//! A global allocator that, while a measurement is open, tracks how far the heap grew above
//! where it stood when the measurement began. Closed, it costs one relaxed load per call, so
//! the timed runs are not slowed by the bookkeeping.
#![allow(unsafe_code)] // implementing `GlobalAlloc` is unsafe by definition

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering::Relaxed};

/// The system allocator with peak tracking.
#[derive(Debug)]
pub struct Counting;

static OPEN: AtomicBool = AtomicBool::new(false);
/// Net bytes allocated since the measurement opened; negative when memory that existed
/// before is freed.
static NET: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn grew(bytes: usize) {
    if OPEN.load(Relaxed) {
        let now = NET.fetch_add(bytes as isize, Relaxed) + bytes as isize;
        PEAK.fetch_max(now, Relaxed);
    }
}

fn shrank(bytes: usize) {
    if OPEN.load(Relaxed) {
        NET.fetch_sub(bytes as isize, Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to `System`; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed through.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for `alloc`.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // A moving realloc briefly holds both blocks; counting the larger one is the
            // best an allocator wrapper can see.
            grew(new_size);
            shrank(layout.size());
        }
        p
    }
}

/// Runs `f` and returns its result with the peak heap growth, in bytes, during the call.
/// Whatever `f` returns is still alive at the end, so it is part of the peak.
pub fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    NET.store(0, Relaxed);
    PEAK.store(0, Relaxed);
    OPEN.store(true, Relaxed);
    let out = f();
    OPEN.store(false, Relaxed);
    (out, PEAK.load(Relaxed).max(0) as usize)
}
