// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ITipJar} from "./interfaces/ITipJar.sol";

/// @title TipJar
/// @notice Tips in ETH (push with a pull fallback) or ERC-20 to any address, with a 32-byte reference.
/// @dev {tip} needs no reentrancy guard: it writes state only after a failed push, whose effects were all
/// reverted, so a reentering receiver can observe or change nothing. {withdraw} follows
/// checks-effects-interactions and is guarded as well.
contract TipJar is ITipJar, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc ITipJar
    uint256 public constant PUSH_GAS = 30_000;

    mapping(address account => uint256 wei_) private _credits;

    /// @inheritdoc ITipJar
    function tip(address to, bytes32 ref) external payable {
        if (msg.value == 0) revert ZeroAmount();
        if (to == address(0) || to == address(this)) revert InvalidReceiver(to);
        bool pushed;
        // A plain call that copies no return data, so the receiver cannot make us pay for a large return.
        assembly ("memory-safe") {
            pushed := call(PUSH_GAS, to, callvalue(), 0, 0, 0, 0)
        }
        if (!pushed) _credits[to] += msg.value;
        emit Tipped(msg.sender, to, ref, address(0), msg.value, !pushed);
    }

    /// @inheritdoc ITipJar
    function tipToken(address token, address to, uint256 amount, bytes32 ref) external nonReentrant {
        _tipToken(token, to, amount, ref);
    }

    /// @inheritdoc ITipJar
    function tipTokenWithPermit(
        address token,
        address to,
        uint256 amount,
        bytes32 ref,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        // Ignore a failed permit: someone may have submitted it first; the allowance check below decides.
        try IERC20Permit(token).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _tipToken(token, to, amount, ref);
    }

    /// @inheritdoc ITipJar
    function withdraw() external nonReentrant {
        _withdraw(payable(msg.sender));
    }

    /// @inheritdoc ITipJar
    function withdrawTo(address payable to) external nonReentrant {
        if (to == address(0) || to == address(this)) revert InvalidReceiver(to);
        _withdraw(to);
    }

    /// @inheritdoc ITipJar
    function credits(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @dev Transfers `amount` of `token` from the caller to `to` and emits {Tipped}.
    function _tipToken(address token, address to, uint256 amount, bytes32 ref) private {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0) || to == address(this)) revert InvalidReceiver(to);
        IERC20(token).safeTransferFrom(msg.sender, to, amount);
        emit Tipped(msg.sender, to, ref, token, amount, false);
    }

    /// @dev Pays all of the caller's credits to `to`, clearing them first.
    function _withdraw(address payable to) private {
        uint256 amount = _credits[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        _credits[msg.sender] = 0;
        emit Withdrawn(msg.sender, to, amount);
        Address.sendValue(to, amount);
    }
}
