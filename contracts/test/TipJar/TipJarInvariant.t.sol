// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Test} from "../utils/Test.sol";
import {vm} from "../utils/Vm.sol";
import {RevertingReceiver, GasBurningReceiver} from "../utils/Mocks.sol";
import {TipJar} from "../../src/TipJar.sol";

/// @notice Tips random amounts to EOAs, reverting and gas-burning receivers, and withdraws, tracking ghosts.
contract TipJarHandler is Test {
    TipJar public immutable jar;
    address[4] public receivers;
    uint256 public ghostCredited;
    uint256 public ghostWithdrawn;
    uint256 public ghostPushed;

    constructor(TipJar jar_) {
        jar = jar_;
        receivers[0] = address(0xE0A);
        receivers[1] = address(new RevertingReceiver());
        receivers[2] = address(new GasBurningReceiver());
        receivers[3] = address(0xE0B);
    }

    function tip(uint256 toSeed, uint256 amount, bytes32 ref) external {
        amount = _bound(amount, 1, 10 ether);
        address to = receivers[toSeed % receivers.length];
        vm.deal(address(this), amount);
        uint256 before = jar.credits(to);
        jar.tip{value: amount, gas: 150_000}(to, ref);
        if (jar.credits(to) > before) ghostCredited += amount;
        else ghostPushed += amount;
    }

    function withdraw(uint256 fromSeed) external {
        address from = receivers[fromSeed % receivers.length];
        uint256 amount = jar.credits(from);
        if (amount == 0) return;
        vm.prank(from);
        jar.withdrawTo(payable(address(0xD00D)));
        ghostWithdrawn += amount;
    }

    function credits() external view returns (uint256 sum) {
        for (uint256 i; i < receivers.length; ++i) {
            sum += jar.credits(receivers[i]);
        }
    }
}

/// @notice Invariants: the jar holds exactly the outstanding credits; EOAs are never credited.
contract TipJarInvariantTest is Test {
    TipJar internal jar;
    TipJarHandler internal handler;

    function setUp() public {
        jar = new TipJar();
        handler = new TipJarHandler(jar);
    }

    /// @dev Tells forge to call only the handler.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function invariant_BalanceEqualsSumOfCredits() public view {
        vm.assertEq(address(jar).balance, handler.credits());
        vm.assertEq(address(jar).balance, handler.ghostCredited() - handler.ghostWithdrawn());
    }

    function invariant_EoasAreNeverCredited() public view {
        vm.assertEq(jar.credits(handler.receivers(0)), 0);
        vm.assertEq(jar.credits(handler.receivers(3)), 0);
    }
}
