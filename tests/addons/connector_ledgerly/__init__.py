from . import models, components, controllers
