#pragma once
// Unit: the value of a future that returns nothing, so combinators can hold
// every output in a tuple, vector or variant (Rust's `()`).

#include <type_traits>

namespace pollscope {

/// Stands for `void` wherever an output must be a value: join() gives a Unit
/// for each Task<void>, select() a Unit when a void future wins.
struct Unit {
    friend constexpr bool operator==(Unit, Unit) noexcept { return true; }
};

/// T, or Unit when T is void.
template <class T> using value_or_unit_t = std::conditional_t<std::is_void_v<T>, Unit, T>;

} // namespace pollscope
