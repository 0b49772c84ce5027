// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @notice The read interface of the ENS registry and a public resolver, enough for reverse
/// resolution tests: anyone may set any record (test only, never deploy elsewhere).
contract TestENS {
    mapping(bytes32 node => address) public resolver;
    mapping(bytes32 node => string) public name;
    mapping(bytes32 node => address) public addr;

    function setResolver(bytes32 node, address r) external {
        resolver[node] = r;
    }

    function setName(bytes32 node, string calldata n) external {
        name[node] = n;
    }

    function setAddr(bytes32 node, address a) external {
        addr[node] = a;
    }
}
