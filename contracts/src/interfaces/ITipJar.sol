// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title ITipJar
/// @notice Tips in ETH or ERC-20 to any address with a 32-byte reference (for example the hash of a message CID).
/// @dev ETH is pushed to the receiver with a capped gas budget; when the push fails (the receiver reverts or
/// runs out of that budget) the amount is credited to the receiver, who pulls it with {withdraw}. The contract
/// never holds ETH except credits.
interface ITipJar {
    /// @notice Emitted for every tip.
    /// @param from The tipper.
    /// @param to The receiver.
    /// @param ref The tipper's 32-byte reference.
    /// @param token The ERC-20 token, or address(0) for ETH.
    /// @param amount The amount in wei or token units.
    /// @param credited True when the ETH push failed and the amount was credited for {withdraw}.
    event Tipped(
        address indexed from,
        address indexed to,
        bytes32 indexed ref,
        address token,
        uint256 amount,
        bool credited
    );

    /// @notice Emitted when `account` withdraws its credits to `to`.
    /// @param account The account whose credits were paid out.
    /// @param to The address that received the ETH.
    /// @param amount The amount in wei.
    event Withdrawn(address indexed account, address to, uint256 amount);

    /// @notice The tip amount is zero.
    error ZeroAmount();

    /// @notice The receiver is the zero address or this contract.
    /// @param to The rejected receiver.
    error InvalidReceiver(address to);

    /// @notice The caller has no credits to withdraw.
    /// @param account The caller.
    error NothingToWithdraw(address account);

    /// @notice Tips `msg.value` wei to `to`, pushing it with {PUSH_GAS} gas and crediting it on failure.
    /// @dev Reverts with {ZeroAmount} or {InvalidReceiver}. Emits {Tipped}.
    /// @param to The receiver.
    /// @param ref A 32-byte reference chosen by the tipper.
    function tip(address to, bytes32 ref) external payable;

    /// @notice Tips `amount` of `token` from the caller to `to` (the caller must have approved this contract).
    /// @dev Uses SafeERC20: tokens that return nothing work, non-contracts and failed transfers revert.
    /// Reverts with {ZeroAmount} or {InvalidReceiver}. Emits {Tipped} with `credited == false`.
    /// @param token The ERC-20 token.
    /// @param to The receiver.
    /// @param amount The amount in token units.
    /// @param ref A 32-byte reference chosen by the tipper.
    function tipToken(address token, address to, uint256 amount, bytes32 ref) external;

    /// @notice Like {tipToken}, first approving this contract with an EIP-2612 permit.
    /// @dev A failing permit is ignored (it may have been front-run); the transfer then needs an allowance.
    /// @param token The ERC-20 token with EIP-2612 permit.
    /// @param to The receiver.
    /// @param amount The amount in token units (also the permit value).
    /// @param ref A 32-byte reference chosen by the tipper.
    /// @param deadline The permit deadline.
    /// @param v The permit signature's v.
    /// @param r The permit signature's r.
    /// @param s The permit signature's s.
    function tipTokenWithPermit(
        address token,
        address to,
        uint256 amount,
        bytes32 ref,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Sends all of the caller's credits to the caller.
    /// @dev Reverts with {NothingToWithdraw}, or when the transfer fails. Emits {Withdrawn}.
    function withdraw() external;

    /// @notice Sends all of the caller's credits to `to`.
    /// @dev Reverts with {NothingToWithdraw} or {InvalidReceiver}, or when the transfer fails. Emits {Withdrawn}.
    /// @param to The address that receives the ETH.
    function withdrawTo(address payable to) external;

    /// @notice Returns the ETH credited to `account` and not yet withdrawn.
    /// @param account The account.
    /// @return The credits in wei.
    function credits(address account) external view returns (uint256);

    /// @notice Returns the gas forwarded to the receiver when pushing an ETH tip.
    /// @return The gas budget.
    // solhint-disable-next-line func-name-mixedcase
    function PUSH_GAS() external view returns (uint256);
}
