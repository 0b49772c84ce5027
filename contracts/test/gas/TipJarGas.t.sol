// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {vm} from "../utils/Vm.sol";
import {RevertingReceiver} from "../utils/Mocks.sol";
import {TipJarTestBase} from "../TipJar/TipJarTestBase.sol";

/// @notice One transaction per test, measured whole with `forge snapshot --isolate` (see docs/gas.md).
contract TipJarGasTest is TipJarTestBase {
    RevertingReceiver internal receiver;

    function setUp() public override {
        super.setUp();
        receiver = new RevertingReceiver();
        vm.prank(alice);
        jar.tip{value: 1 ether}(address(receiver), REF);
    }

    /// @notice ETH tip to an existing EOA: the target of the issue (<= 36,000).
    function test_Gas_Tip_ExistingAccount() public {
        vm.prank(alice);
        jar.tip{value: 0.01 ether}(bob, REF);
    }

    /// @notice ETH tip to a receiver that reverts: the amount is credited.
    function test_Gas_Tip_Credited() public {
        vm.prank(alice);
        jar.tip{value: 0.01 ether}(address(receiver), REF);
    }

    /// @notice Pulling credits.
    function test_Gas_WithdrawTo() public {
        vm.prank(address(receiver));
        jar.withdrawTo(payable(bob));
    }
}
