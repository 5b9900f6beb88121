"""Request and response shapes of /api/users (validation and the OpenAPI document come from here)."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field
from typing_extensions import TypedDict

from api.http.operations import Body, Id, NoNul, NotBlank

EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


# A password for a new account: printable ASCII (so 72 characters are bcrypt's 72 bytes), 8–72 long,
# with a letter, a digit and a special character (users/routes.valid_password checks this pattern).
PASSWORD_PATTERN = r"^(?=[^A-Za-z]*[A-Za-z])(?=[^0-9]*[0-9])(?=[A-Za-z0-9 ]*[^A-Za-z0-9 ])[ -~]{8,72}$"

Email = Annotated[str, Field(min_length=1, max_length=254, examples=["user@example.com"]), NotBlank]
Password = Annotated[str, Field(min_length=1, max_length=200, examples=["SecurePass123!"]), NotBlank]
NewEmail = Annotated[Email, Field(json_schema_extra={"pattern": EMAIL_PATTERN})]
NewPassword = Annotated[
    Password,
    Field(
        description="영문, 숫자, 특수문자를 모두 포함한 8–72자 (ASCII)",
        json_schema_extra={"pattern": PASSWORD_PATTERN},
    ),
]
Token = Annotated[str, Field(min_length=1, max_length=4096), NotBlank]


class SignupRequest(Body):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {"email": "user@example.com", "username": "username", "password": "SecurePass123!"}
        }
    )

    email: NewEmail
    username: Annotated[str, Field(min_length=1, max_length=50, examples=["username"]), NotBlank]
    password: NewPassword


class LoginRequest(Body):
    model_config = ConfigDict(
        json_schema_extra={"example": {"email": "user@example.com", "password": "SecurePass123!"}}
    )

    email: Email
    password: Password


class RefreshRequest(Body):
    refreshToken: Annotated[Token, Field(description="로그인 또는 갱신 때 받은 refresh token")]


class LogoutRequest(Body):
    refreshToken: Annotated[str, Field(max_length=4096, description="함께 폐기할 refresh token"), NoNul] | None = None


class PasswordChangeRequest(Body):
    model_config = ConfigDict(
        json_schema_extra={"example": {"currentPassword": "SecurePass123!", "newPassword": "NewSecure456!"}}
    )

    currentPassword: Password
    newPassword: Annotated[
        NewPassword, Field(description="영문, 숫자, 특수문자를 모두 포함한 8–72자 (ASCII), 현재 비밀번호와 달라야 함")
    ]


class AccountDeleteRequest(Body):
    model_config = ConfigDict(json_schema_extra={"example": {"password": "SecurePass123!"}})

    password: Annotated[Password, Field(description="본인 확인용 현재 비밀번호")]


class FavoriteRequest(Body):
    companyId: Annotated[Id, Field(description="기업 ID", examples=[1])]


class User(TypedDict):
    userId: int
    email: str
    username: str


class Tokens(TypedDict):
    accessToken: str
    refreshToken: str
    expiresIn: int
    user: User


class SignedUp(TypedDict):
    userId: int


class Favorite(TypedDict):
    favoriteId: int
    companyId: int
    symbol: str | None
    name: str | None
    market: str | None
    price: int | None
    change: int | None
    changePercent: float | None
    marketCap: int | None
    asOf: str | None
    source: str | None
    createdAt: str


class FavoriteDeleted(TypedDict):
    favoriteId: int


class AccountDeleted(TypedDict):
    userId: int
    favoritesDeleted: int
    comparisonsDeleted: int


class ExportedProfile(TypedDict):
    userId: int
    email: str
    username: str
    createdAt: str


class ExportedFavorite(TypedDict):
    favoriteId: int
    companyId: int
    symbol: str
    name: str
    createdAt: str


class ExportedCompany(TypedDict):
    companyId: int
    symbol: str
    companyName: str


class ExportedComparison(TypedDict):
    comparisonId: int
    name: str
    createdAt: str
    companies: list[ExportedCompany]


class UserExport(TypedDict):
    """Everything the platform keeps about a user, except the password hash."""

    exportedAt: str
    profile: ExportedProfile
    favorites: list[ExportedFavorite]
    comparisons: list[ExportedComparison]
