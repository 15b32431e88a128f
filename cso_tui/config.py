"""Settings: pydantic-settings with env prefix CSO_TUI_ and a TOML file at the platformdirs path.

Nothing here runs at import time; call :func:`load_settings` when settings are needed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

APP_NAME = "cso-tui"

DateFormat = Literal["MM/DD/YYYY", "DD/MM/YYYY", "YYYY-MM-DD"]

_STRFTIME = {"MM/DD/YYYY": "%m/%d/%Y", "DD/MM/YYYY": "%d/%m/%Y", "YYYY-MM-DD": "%Y-%m-%d"}


def config_dir() -> Path:
    """Where the config file lives; tests patch CSO_TUI_CONFIG_DIR."""
    override = os.environ.get("CSO_TUI_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """Where the embedded database lives; tests patch CSO_TUI_DATA_DIR."""
    override = os.environ.get("CSO_TUI_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    return config_dir() / "config.toml"


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'cso-tui.sqlite'}"


def demo_database_url() -> str:
    return f"sqlite:///{data_dir() / 'demo.sqlite'}"


class SessionSettings(BaseModel):
    idle_timeout_minutes: int = Field(default=30, ge=1)
    absolute_timeout_hours: int = Field(default=12, ge=1)
    max_failed_logins: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)


class DisplaySettings(BaseModel):
    currency_symbol: str = "$"
    date_format: DateFormat = "MM/DD/YYYY"
    # The seeds are set in Springfield, IL; staff see times in the office's zone.
    timezone: str = "America/Chicago"
    # "auto": the 16-colour "cso-ansi" theme on a 16-colour terminal, else textual-dark.
    theme: str = "auto"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo

        ZoneInfo(value)  # raises for an unknown zone
        return value

    @property
    def strftime_date(self) -> str:
        return _STRFTIME[self.date_format]


class Settings(BaseSettings):
    """All settings; env vars use CSO_TUI_ and __ for nesting (CSO_TUI_DISPLAY__CURRENCY_SYMBOL)."""

    model_config = SettingsConfigDict(
        env_prefix="CSO_TUI_", env_nested_delimiter="__", extra="ignore"
    )

    database: str = Field(default_factory=default_database_url)
    server: str | None = None
    display: DisplaySettings = Field(default_factory=DisplaySettings)
    session: SessionSettings = Field(default_factory=SessionSettings)
    search_page_size: int = Field(default=50, ge=5, le=500)
    # Key remapping: binding id -> keys, e.g. {"app.search" = "ctrl+f,/"}.
    keymap: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file()),
        )


def load_settings(**overrides: Any) -> Settings:
    """Read settings from init values, the environment and the config file (in that order)."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)
