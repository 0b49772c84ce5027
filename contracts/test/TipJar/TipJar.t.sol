// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {vm} from "../utils/Vm.sol";
import {
    PermitToken,
    NoReturnToken,
    ReturnsFalseToken,
    RevertingReceiver,
    GasBurningReceiver,
    ReentrantReceiver
} from "../utils/Mocks.sol";
import {TipJarTestBase} from "./TipJarTestBase.sol";
import {ITipJar} from "../../src/interfaces/ITipJar.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @notice Unit and fuzz tests of TipJar.
contract TipJarTest is TipJarTestBase {
    function test_Tip_PushesToEoa() public {
        vm.expectEmit(address(jar));
        emit ITipJar.Tipped(alice, bob, REF, address(0), 1 ether, false);
        vm.prank(alice);
        jar.tip{value: 1 ether}(bob, REF);
        vm.assertEq(bob.balance, 2 ether);
        vm.assertEq(address(jar).balance, 0);
        vm.assertEq(jar.credits(bob), 0);
    }

    function test_Tip_CreditsRevertingReceiver() public {
        RevertingReceiver receiver = new RevertingReceiver();
        vm.expectEmit(address(jar));
        emit ITipJar.Tipped(alice, address(receiver), REF, address(0), 1 ether, true);
        vm.prank(alice);
        jar.tip{value: 1 ether}(address(receiver), REF);
        vm.assertEq(jar.credits(address(receiver)), 1 ether);
        vm.assertEq(address(jar).balance, 1 ether);

        // The receiver pulls its credits to another address.
        vm.expectEmit(address(jar));
        emit ITipJar.Withdrawn(address(receiver), bob, 1 ether);
        receiver.withdrawTo(jar, payable(bob));
        vm.assertEq(bob.balance, 2 ether);
        vm.assertEq(jar.credits(address(receiver)), 0);
        vm.assertEq(address(jar).balance, 0);
    }

    function test_Tip_CreditsGasBurningReceiverWithinBudget() public {
        GasBurningReceiver receiver = new GasBurningReceiver();
        vm.prank(alice);
        jar.tip{value: 1 ether, gas: 200_000}(address(receiver), REF);
        vm.assertEq(jar.credits(address(receiver)), 1 ether);
        vm.assertLe(vm.lastCallGas().gasTotalUsed, 100_000, "push gas is capped");
    }

    function test_Tip_AccumulatesCredits() public {
        RevertingReceiver receiver = new RevertingReceiver();
        vm.startPrank(alice);
        jar.tip{value: 1 ether}(address(receiver), REF);
        jar.tip{value: 2 ether}(address(receiver), REF);
        vm.stopPrank();
        vm.assertEq(jar.credits(address(receiver)), 3 ether);
    }

    function test_RevertWhen_TipZeroValue() public {
        vm.expectRevert(ITipJar.ZeroAmount.selector);
        vm.prank(alice);
        jar.tip(bob, REF);
    }

    function test_RevertWhen_TipToZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(ITipJar.InvalidReceiver.selector, address(0)));
        vm.prank(alice);
        jar.tip{value: 1}(address(0), REF);
    }

    function test_RevertWhen_TipToTipJar() public {
        vm.expectRevert(abi.encodeWithSelector(ITipJar.InvalidReceiver.selector, address(jar)));
        vm.prank(alice);
        jar.tip{value: 1}(address(jar), REF);
    }

    function test_RevertWhen_SendingEthDirectly() public {
        vm.prank(alice);
        (bool ok,) = address(jar).call{value: 1}("");
        vm.assertFalse(ok);
    }

    function testFuzz_Tip_EoaReceivesExactValue(uint96 amount, bytes32 ref) public {
        vm.assume(amount > 0);
        vm.deal(alice, amount);
        address to = address(0xBEEF);
        vm.prank(alice);
        jar.tip{value: amount}(to, ref);
        vm.assertEq(to.balance, amount);
        vm.assertEq(address(jar).balance, 0);
    }

    function test_Withdraw_PaysCaller() public {
        RevertingReceiver receiver = new RevertingReceiver();
        vm.prank(alice);
        jar.tip{value: 1 ether}(address(receiver), REF);
        // Once the code is gone (e.g. an account that can now receive), withdraw pays the caller itself.
        vm.etch(address(receiver), "");
        vm.expectEmit(address(jar));
        emit ITipJar.Withdrawn(address(receiver), address(receiver), 1 ether);
        vm.prank(address(receiver));
        jar.withdraw();
        vm.assertEq(address(receiver).balance, 1 ether);
    }

    function test_RevertWhen_WithdrawWithoutCredits() public {
        vm.expectRevert(abi.encodeWithSelector(ITipJar.NothingToWithdraw.selector, bob));
        vm.prank(bob);
        jar.withdraw();
    }

    function test_RevertWhen_WithdrawToZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(ITipJar.InvalidReceiver.selector, address(0)));
        vm.prank(bob);
        jar.withdrawTo(payable(address(0)));
    }

    function test_RevertWhen_WithdrawToRejectingAddressKeepsCredits() public {
        RevertingReceiver receiver = new RevertingReceiver();
        vm.prank(alice);
        jar.tip{value: 1 ether}(address(receiver), REF);
        vm.prank(address(receiver));
        vm.expectRevert();
        jar.withdraw();
        vm.assertEq(jar.credits(address(receiver)), 1 ether);
    }

    function test_Withdraw_BlocksReentrancy() public {
        ReentrantReceiver receiver = new ReentrantReceiver(jar);
        vm.prank(alice);
        jar.tip{value: 1 ether}(address(receiver), REF);
        vm.assertEq(jar.credits(address(receiver)), 1 ether);
        receiver.withdraw();
        vm.assertEq(
            receiver.nestedRevert(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
        vm.assertEq(address(receiver).balance, 1 ether);
        vm.assertEq(address(jar).balance, 0);
    }

    function test_TipToken_StandardToken() public {
        PermitToken token = new PermitToken();
        token.mint(alice, 100);
        vm.prank(alice);
        token.approve(address(jar), 40);
        vm.expectEmit(address(jar));
        emit ITipJar.Tipped(alice, bob, REF, address(token), 40, false);
        vm.prank(alice);
        jar.tipToken(address(token), bob, 40, REF);
        vm.assertEq(token.balanceOf(bob), 40);
        vm.assertEq(token.balanceOf(alice), 60);
        vm.assertEq(token.balanceOf(address(jar)), 0);
    }

    function test_TipToken_NoReturnToken() public {
        NoReturnToken token = new NoReturnToken();
        token.mint(alice, 100);
        vm.prank(alice);
        token.approve(address(jar), 100);
        vm.prank(alice);
        jar.tipToken(address(token), bob, 100, REF);
        vm.assertEq(token.balanceOf(bob), 100);
    }

    function test_RevertWhen_TipTokenNoReturnTokenFails() public {
        NoReturnToken token = new NoReturnToken();
        vm.expectRevert();
        vm.prank(alice);
        jar.tipToken(address(token), bob, 1, REF);
    }

    function test_RevertWhen_TipTokenReturnsFalse() public {
        ReturnsFalseToken token = new ReturnsFalseToken();
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(token)));
        vm.prank(alice);
        jar.tipToken(address(token), bob, 1, REF);
    }

    function test_RevertWhen_TipTokenNotAContract() public {
        address notToken = address(0xC0FFEE);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, notToken));
        vm.prank(alice);
        jar.tipToken(notToken, bob, 1, REF);
    }

    function test_RevertWhen_TipTokenWithoutAllowance() public {
        PermitToken token = new PermitToken();
        token.mint(alice, 100);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(jar), 0, 1)
        );
        vm.prank(alice);
        jar.tipToken(address(token), bob, 1, REF);
    }

    function test_RevertWhen_TipTokenZeroAmount() public {
        PermitToken token = new PermitToken();
        vm.expectRevert(ITipJar.ZeroAmount.selector);
        vm.prank(alice);
        jar.tipToken(address(token), bob, 0, REF);
    }

    function test_RevertWhen_TipTokenToZeroAddress() public {
        PermitToken token = new PermitToken();
        vm.expectRevert(abi.encodeWithSelector(ITipJar.InvalidReceiver.selector, address(0)));
        vm.prank(alice);
        jar.tipToken(address(token), address(0), 1, REF);
    }

    function _permit(PermitToken token, uint256 amount, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
                ),
                alice,
                address(jar),
                amount,
                token.nonces(alice),
                deadline
            )
        );
        return
            vm.sign(aliceKey, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }

    function test_TipTokenWithPermit_ApprovesAndTips() public {
        PermitToken token = new PermitToken();
        token.mint(alice, 100);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(token, 30, deadline);
        vm.prank(alice);
        jar.tipTokenWithPermit(address(token), bob, 30, REF, deadline, v, r, s);
        vm.assertEq(token.balanceOf(bob), 30);
        vm.assertEq(token.nonces(alice), 1);
    }

    function test_TipTokenWithPermit_FrontRunPermitStillTips() public {
        PermitToken token = new PermitToken();
        token.mint(alice, 100);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(token, 30, deadline);
        // Someone submits the permit first; the tip must not be griefed.
        token.permit(alice, address(jar), 30, deadline, v, r, s);
        vm.prank(alice);
        jar.tipTokenWithPermit(address(token), bob, 30, REF, deadline, v, r, s);
        vm.assertEq(token.balanceOf(bob), 30);
    }

    function test_RevertWhen_TipTokenWithBadPermitAndNoAllowance() public {
        PermitToken token = new PermitToken();
        token.mint(alice, 100);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(jar), 0, 30)
        );
        vm.prank(alice);
        jar.tipTokenWithPermit(address(token), bob, 30, REF, block.timestamp, 27, bytes32(0), bytes32(0));
    }

    function testFuzz_TipToken_MovesExactAmount(uint128 amount, uint128 extra) public {
        vm.assume(amount > 0);
        PermitToken token = new PermitToken();
        token.mint(alice, uint256(amount) + extra);
        vm.prank(alice);
        token.approve(address(jar), amount);
        vm.prank(alice);
        jar.tipToken(address(token), bob, amount, REF);
        vm.assertEq(token.balanceOf(bob), amount);
        vm.assertEq(token.balanceOf(alice), extra);
        vm.assertEq(token.allowance(alice, address(jar)), 0);
    }
}
