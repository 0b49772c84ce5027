// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {vm} from "./Vm.sol";

/// @notice Minimal base for Parley's tests: fuzz bounding and deterministic test keys.
abstract contract Test {
    /// @dev Maps `x` into [min, max] without discarding fuzz runs.
    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        uint256 size = max - min + 1;
        if (size == 0) return x; // full uint256 range
        return min + (x % size);
    }

    /// @dev A deterministic private key and its address for `name`.
    function _makeKey(string memory name) internal returns (uint256 key, address account) {
        key = uint256(keccak256(bytes(name)))
            % 115792089237316195423570985008687907852837564279074904382605163141518161494336 + 1;
        account = vm.addr(key);
        vm.label(account, name);
    }
}
