// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Test} from "../utils/Test.sol";
import {vm} from "../utils/Vm.sol";
import {TipJar} from "../../src/TipJar.sol";

/// @notice Shared fixtures for the TipJar suites.
abstract contract TipJarTestBase is Test {
    bytes32 internal constant REF = keccak256("bafkreiexamplecid");

    TipJar internal jar;
    address internal alice;
    uint256 internal aliceKey;
    address internal bob;

    function setUp() public virtual {
        jar = new TipJar();
        (aliceKey, alice) = _makeKey("alice");
        (, bob) = _makeKey("bob");
        vm.deal(alice, 100 ether);
        vm.deal(bob, 1 ether);
    }
}
