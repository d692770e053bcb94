//! Telling a shared value unchanged by where it lives.

use std::sync::Weak;

/// Whether `now` is the value `of` was taken of, unchanged since: the same allocation. A
/// shared value is only changed in place through [`Arc::make_mut`](std::sync::Arc::make_mut) or
/// [`Arc::get_mut`](std::sync::Arc::get_mut);
/// while `of` exists the first moves the value elsewhere (or copies it) and the second
/// refuses, and the allocation is not freed (so not used again for another value). An
/// `Arc` pointing where `of` points therefore holds what it held when `of` was taken; so
/// does a reference to the value inside it (`now` may be either).
pub fn unchanged<T>(of: &Weak<T>, now: &T) -> bool {
    std::ptr::eq(of.as_ptr(), now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_value_changed_in_place_or_dropped_is_not_the_same() {
        let mut a = Arc::new(vec![1, 2, 3]);
        let of = Arc::downgrade(&a);
        assert!(unchanged(&of, &a));
        assert!(unchanged(&of, &Arc::clone(&a)));
        assert!(
            !unchanged(&of, &Arc::new(vec![1, 2, 3])),
            "equal is not the same"
        );
        // The only strong holder changes it: the weak one must not see the change as the
        // value it took.
        Arc::make_mut(&mut a).push(4);
        assert!(!unchanged(&of, &a));
        let of = Arc::downgrade(&a);
        drop(a);
        let b = Arc::new(vec![9]);
        assert!(!unchanged(&of, &b));
    }
}
