// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ITipJar} from "../../src/interfaces/ITipJar.sol";

/// @notice A standard ERC-20 with EIP-2612 permit and open minting.
contract PermitToken is ERC20Permit {
    constructor() ERC20("Permit Token", "PRM") ERC20Permit("Permit Token") {}

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @notice An ERC-20 whose transfer functions return nothing (like USDT).
contract NoReturnToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    /// @notice Approves `spender` for `amount`, returning nothing.
    function approve(address spender, uint256 amount) external {
        allowance[msg.sender][spender] = amount;
    }

    /// @notice Moves `amount` from `from` to `to`, returning nothing and reverting on failure.
    function transferFrom(address from, address to, uint256 amount) external {
        allowance[from][msg.sender] -= amount;
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
    }
}

/// @notice An ERC-20 whose transferFrom returns false instead of reverting.
contract ReturnsFalseToken {
    /// @notice Always fails by returning false.
    function transferFrom(address, address, uint256) external pure returns (bool) {
        return false;
    }
}

/// @notice A receiver that rejects every ETH transfer.
contract RevertingReceiver {
    receive() external payable {
        revert("no thanks");
    }

    /// @notice Withdraws its TipJar credits to `to`.
    function withdrawTo(ITipJar jar, address payable to) external {
        jar.withdrawTo(to);
    }
}

/// @notice A receiver that burns all the gas it is given.
contract GasBurningReceiver {
    receive() external payable {
        while (true) {}
    }
}

/// @notice A receiver that rejects pushes until armed, then tries to re-enter withdraw while being paid.
contract ReentrantReceiver {
    ITipJar public immutable jar;
    bool public armed;
    /// @notice The revert data of the nested withdraw attempt.
    bytes public nestedRevert;

    constructor(ITipJar jar_) {
        jar = jar_;
    }

    /// @notice Arms the receiver and withdraws its credits.
    function withdraw() external {
        armed = true;
        jar.withdraw();
    }

    receive() external payable {
        if (!armed) revert("not yet");
        (, bytes memory data) = address(jar).call(abi.encodeCall(ITipJar.withdraw, ()));
        nestedRevert = data;
    }
}

/// @notice An ERC-1271 wallet that accepts digests signed by its owner key.
contract OwnedWallet is IERC1271 {
    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(hash, signature);
        return
            err == ECDSA.RecoverError.NoError && signer == owner
                ? IERC1271.isValidSignature.selector
                : bytes4(0);
    }
}

/// @notice An ERC-1271 wallet that rejects every signature.
contract RejectingWallet is IERC1271 {
    /// @inheritdoc IERC1271
    function isValidSignature(bytes32, bytes calldata) external pure returns (bytes4) {
        return 0xffffffff;
    }
}
